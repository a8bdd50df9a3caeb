import { AppError } from '../core/index.ts'
import { itemsBodySchema, type LiveItems, parseItems } from '../live/index.ts'
import type { Principal } from './keys.ts'
import { idSchema, parseBody, parseValue } from './schemas.ts'

/** Body limit of `POST /v1/items`: 1,000 items with a few kilobytes of text each. */
export const ITEMS_BODY_BYTES = 8 * 1024 * 1024

function liveItemsOf(principal: Principal, items: LiveItems | undefined, what: string): LiveItems {
  if (principal.kind !== 'secret') throw new AppError('auth.unauthorized', `${what} needs a secret key.`)
  if (!items) throw new AppError('unavailable', 'This server does not change its catalogue live.')
  return items
}

/**
 * `POST /v1/items` (secret key): upserts one item or `{ items: [...] }` (up to 1,000) in the catalogue's item shape
 * (id, title, description, tags, categories, year, imageUrl, metadata; other fields become metadata). Each is
 * embedded and recommended from the moment the call answers `{ upserted }`, and stays through restarts and rebuilds.
 */
export async function postItems(principal: Principal, body: string, items: LiveItems | undefined) {
  const live = liveItemsOf(principal, items, 'Changing the catalogue')
  return live.upsert(parseItems(parseBody(itemsBodySchema, body)))
}

/** `DELETE /v1/items/{id}` (secret key): the item is no longer recommended nor shown, now and after restarts and rebuilds. */
export async function deleteItem(principal: Principal, rawId: string, items: LiveItems | undefined): Promise<void> {
  const live = liveItemsOf(principal, items, 'Changing the catalogue')
  await live.remove(parseValue(idSchema, rawId, 'path.id'))
}
