import { basename } from 'node:path'
import { type Catalog, type Logger, noProgress, type ProgressListener } from '../core/index.ts'
import { type DatasetChoice, detectDataset } from './detect.ts'
import { catalogFingerprint } from './fingerprint.ts'
import { loadGenericInteractions, loadGenericItems } from './generic.ts'
import { loadMovieLens100k, loadMovieLensSmall } from './movielens.ts'
import { formatProblem, ProblemLog } from './problems.ts'

export interface LoadCatalogOptions {
  dataDir: string
  dataset?: DatasetChoice
  /** Most problems listed in the error (the total is always counted). Default 100. */
  maxProblems?: number
  onProgress?: ProgressListener
  /** Receives one warning line per kind of tolerated problem (e.g. ratings of movies absent from movies.csv). */
  logger?: Logger
}

/**
 * Loads and validates the catalogue in `dataDir` (see {@link detectDataset} for the layouts).
 * Every malformed row, duplicate id, interaction naming an unknown item (generic data) and item without usable
 * text is a problem; when there is any, throws `catalog.invalid` with `details.problems` (CatalogProblem[], capped
 * at `maxProblems`), `details.total` and `details.more`. Rows MovieLens itself would never contain (ratings, tags,
 * links or overviews of movies absent from movies.csv) are skipped and reported to `logger` as warnings.
 * Throws `data.not_found` when the folder holds no catalogue.
 */
export async function loadCatalog(options: LoadCatalogOptions): Promise<Catalog> {
  const found = await detectDataset(options.dataDir, options.dataset ?? 'auto')
  const problems = new ProblemLog(options.maxProblems ?? 100)
  const onProgress = options.onProgress ?? noProgress
  let name: string
  let items: Catalog['items']
  let interactions: Catalog['interactions']
  if (found.dataset === 'generic') {
    name = basename(found.root)
    onProgress({ phase: 'load', done: 0, total: found.paths.interactions ? 2 : 1, unit: 'files' })
    const loaded = await loadGenericItems(found.paths.items, found.root, problems)
    items = loaded.items
    onProgress({ phase: 'load', done: 1, total: found.paths.interactions ? 2 : 1, unit: 'files' })
    interactions = []
    if (found.paths.interactions) {
      interactions = await loadGenericInteractions(found.paths.interactions, found.root, loaded.ids, problems)
      onProgress({ phase: 'load', done: 2, total: 2, unit: 'files' })
    }
  } else if (found.dataset === 'ml-latest-small') {
    name = 'ml-latest-small'
    ;({ items, interactions } = await loadMovieLensSmall(found.paths, found.root, problems, onProgress))
  } else {
    name = 'ml-100k'
    ;({ items, interactions } = await loadMovieLens100k(found.paths, found.root, problems, onProgress))
  }
  if (problems.warningCount > 0 && options.logger) {
    const n = problems.warningCount
    options.logger.warn(`${n} ${n === 1 ? 'row or value' : 'rows or values'} skipped in ${found.root}`, {
      examples: problems.warnings.slice(0, 5).map(formatProblem),
    })
  }
  if (items.length === 0 && problems.errorCount === 0) {
    problems.error({ file: '.', message: `no items found in the ${found.dataset} files` })
  }
  problems.throwIfAny(found.root)
  return { name, items, interactions, fingerprint: catalogFingerprint(items, interactions) }
}
