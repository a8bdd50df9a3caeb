import { type Catalog, createFingerprint } from '../core/index.ts'
import { type LiveState, withLiveItems } from './log.ts'

/**
 * The catalogue a rebuild trains on: the files' items with the live changes applied (upserts added or replacing,
 * deleted items and their interactions left out). Its fingerprint changes with the changes, so the build
 * is not mistaken for one of the files alone; without changes the catalogue is returned as it is.
 */
export function withLiveCatalogue(catalog: Catalog, state: LiveState): Catalog {
  if (state.upserts.size === 0 && state.deleted.size === 0) return catalog
  const fp = createFingerprint()
  fp.add(catalog.fingerprint)
  for (const item of state.upserts.values()) fp.add(`upsert:${JSON.stringify(item)}`)
  for (const id of state.deleted) fp.add(`delete:${id}`)
  return {
    ...catalog,
    items: withLiveItems(catalog.items, state),
    interactions: catalog.interactions.filter((i) => !state.deleted.has(i.itemId)),
    fingerprint: fp.digest(),
  }
}
