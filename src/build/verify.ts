import { z } from 'zod'
import { AppError, type Item } from '../core/index.ts'
import type { IndexManifest } from '../index/index.ts'
import { ITEMS_FILE, POPULARITY_FILE } from './snapshot.ts'

/** What a build's manifest records about the collaborative model it was built with, to check it on load. */
export interface BuildModelFacts {
  itemCount: number
  weightsSha256: string
}

const modelFactsSchema = z.object({ itemCount: z.number().int().positive(), weightsSha256: z.string() })

/**
 * The model a build names: its folder and the facts recorded at build time (undefined for builds made before
 * those facts were recorded; `facts` null when the build has no model).
 */
export function buildModel(manifest: IndexManifest): { dir?: string; facts?: BuildModelFacts | null } {
  const extra = manifest.extra ?? {}
  const dir = typeof extra.collabDir === 'string' ? extra.collabDir : undefined
  if (!('model' in extra)) return dir ? { dir } : {}
  if (extra.model === null) return { facts: null, ...(dir ? { dir } : {}) }
  const parsed = modelFactsSchema.safeParse(extra.model)
  if (!parsed.success) {
    throw new AppError('index.corrupt', `The manifest of build ${manifest.buildId} describes its model wrongly`, {
      details: { buildId: manifest.buildId },
    })
  }
  return { facts: parsed.data, ...(dir ? { dir } : {}) }
}

/** True when the manifest's checksums cover the catalogue snapshot (builds made since they do). */
export function snapshotIsChecked(manifest: IndexManifest): boolean {
  return manifest.files.includes(ITEMS_FILE) && manifest.files.includes(POPULARITY_FILE)
}

/**
 * Cross-checks the item counts of a build's parts: the snapshot must hold exactly the index's items, and the
 * model (when the build names one) the item count and weights recorded at build time, over snapshot items only.
 * A mismatch is `index.incompatible`: the parts do not belong to one build.
 */
export function checkBuildParts(
  dir: string,
  manifest: IndexManifest,
  items: readonly Item[],
  model?: { facts: BuildModelFacts; itemIds: readonly string[]; weightsSha256: string },
): void {
  if (items.length !== manifest.itemCount) {
    throw mismatch(dir, `its catalogue snapshot holds ${items.length} items, its index ${manifest.itemCount}`, {
      snapshotItems: items.length,
      indexItems: manifest.itemCount,
    })
  }
  if (!model) return
  if (model.itemIds.length !== model.facts.itemCount || model.weightsSha256 !== model.facts.weightsSha256) {
    throw mismatch(dir, `its model holds ${model.itemIds.length} items, the build recorded ${model.facts.itemCount}`, {
      modelItems: model.itemIds.length,
      recordedModelItems: model.facts.itemCount,
      sameWeights: model.weightsSha256 === model.facts.weightsSha256,
    })
  }
  const known = new Set(items.map((i) => i.id))
  const unknown = model.itemIds.filter((id) => !known.has(id)).length
  if (unknown > 0) throw mismatch(dir, `its model scores ${unknown} items the snapshot lacks`, { unknownModelItems: unknown })
}

function mismatch(dir: string, what: string, details: Record<string, unknown>): AppError {
  return new AppError('index.incompatible', `The build in ${dir} does not hang together: ${what}. Run \`concierge rebuild\`.`, {
    details: { dir, ...details },
  })
}
