import { openCollab } from '../collab/index.ts'
import { AppError, type CollabScorer, errorMessage, type Item, type ItemId, type Logger } from '../core/index.ts'
import { type LoadedIndex, openIndex } from '../index/index.ts'
import type { TfBackendChoice } from '../tf/index.ts'
import { readSnapshot } from './snapshot.ts'
import { buildModel, checkBuildParts, snapshotIsChecked } from './verify.ts'

/** The parts of one build folder, every file checked against the manifest and the parts against each other. */
export interface OpenedBuild {
  index: LoadedIndex
  items: Item[]
  popularity: Map<ItemId, number>
  collab?: CollabScorer
  close(): Promise<void>
}

/**
 * Opens a build folder: index (every file's SHA-256, the catalogue snapshot's included), snapshot, and the model
 * the manifest names, then cross-checks their item counts. Throws `index.not_found`, `index.corrupt` (a file
 * altered or cut), `index.incompatible` (parts that do not belong together, or the named model unusable).
 * A build made before models were recorded loads without its model when that model is unusable (a warning).
 */
export async function openBuild(dir: string, deps: { backend: TfBackendChoice; logger: Logger }): Promise<OpenedBuild> {
  const index = await openIndex(dir)
  let collab: (CollabScorer & { manifest: { weightsSha256: string } }) | undefined
  try {
    if (!snapshotIsChecked(index.manifest)) {
      deps.logger.warn('this build predates snapshot checksums: only its item count is checked; rebuild to check it fully', {
        dir,
      })
    }
    const { items, popularity } = await readSnapshot(dir)
    const model = buildModel(index.manifest)
    if (model.dir && model.facts !== null) {
      collab = await openModel(model.dir, index.manifest.dataFingerprint, model.facts !== undefined, deps)
    }
    checkBuildParts(
      dir,
      index.manifest,
      items,
      collab && model.facts
        ? { facts: model.facts, itemIds: collab.itemIds, weightsSha256: collab.manifest.weightsSha256 }
        : undefined,
    )
    const opened = collab
    return {
      index,
      items,
      popularity,
      ...(opened ? { collab: opened } : {}),
      close: async () => {
        await opened?.close()
        await index.close()
      },
    }
  } catch (error) {
    await collab?.close()
    await index.close()
    throw error
  }
}

/**
 * Opens the model a build names. When the build recorded its model, an unusable one makes the build unusable
 * (`index.incompatible`); an older build serves without it, as it always did.
 */
async function openModel(
  dir: string,
  dataFingerprint: string,
  required: boolean,
  deps: { backend: TfBackendChoice; logger: Logger },
): Promise<(CollabScorer & { manifest: { weightsSha256: string } }) | undefined> {
  try {
    return await openCollab(dir, { dataFingerprint }, deps)
  } catch (error) {
    if (required) {
      throw new AppError('index.incompatible', `The model this build names (${dir}) cannot be used: run \`concierge rebuild\``, {
        cause: error,
        details: { modelDir: dir, reason: errorMessage(error) },
      })
    }
    deps.logger.warn('collaborative model not loaded: recommending from text and popularity only', {
      reason: errorMessage(error),
    })
    return undefined
  }
}
