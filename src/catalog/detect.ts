import { existsSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { AppError } from '../core/index.ts'
import type { MovieLens100kPaths, MovieLensSmallPaths } from './movielens.ts'

export type DatasetName = 'ml-latest-small' | 'ml-100k' | 'generic'
export type DatasetChoice = 'auto' | DatasetName

export interface GenericPaths {
  items: string
  interactions?: string
}

/** What `detectDataset` found: the dataset kind and the absolute paths of its files. */
export type DetectedDataset =
  | { dataset: 'generic'; root: string; paths: GenericPaths }
  | { dataset: 'ml-latest-small'; root: string; paths: MovieLensSmallPaths }
  | { dataset: 'ml-100k'; root: string; paths: MovieLens100kPaths }

export const NOT_FOUND_HINT =
  'Set CONCIERGE_DATA_DIR to a folder holding items.jsonl or movielens/ml-latest-small/, or run `concierge data movielens`'

const isFile = (p: string) => existsSync(p) && statSync(p).isFile()
const firstFile = (...paths: string[]) => paths.find(isFile)

function generic(dir: string): DetectedDataset | undefined {
  const items = firstFile(join(dir, 'items.jsonl'), join(dir, 'items.csv'))
  if (!items) return undefined
  const interactions = firstFile(join(dir, 'interactions.csv'), join(dir, 'interactions.jsonl'))
  return { dataset: 'generic', root: dir, paths: { items, ...(interactions ? { interactions } : {}) } }
}

function mlSmall(dir: string): DetectedDataset | undefined {
  const folder = [join(dir, 'movielens', 'ml-latest-small'), join(dir, 'ml-latest-small'), dir].find((d) =>
    isFile(join(d, 'movies.csv')),
  )
  if (!folder) return undefined
  const at = (name: string) => (isFile(join(folder, name)) ? join(folder, name) : undefined)
  const overviews = firstFile(
    join(dir, 'tmdb', 'ml-latest-small_movies_with_overview.csv'),
    join(dir, 'ml-latest-small_movies_with_overview.csv'),
    join(folder, 'overviews.csv'),
  )
  const tmdbMovies = firstFile(
    join(dir, 'tmdb', 'tmdb_5000_movies.csv'),
    join(dir, 'tmdb_5000_movies.csv'),
    join(folder, 'tmdb_movies.csv'),
  )
  const paths: MovieLensSmallPaths = { movies: join(folder, 'movies.csv') }
  for (const [key, name] of [
    ['ratings', 'ratings.csv'],
    ['tags', 'tags.csv'],
    ['links', 'links.csv'],
  ] as const) {
    const p = at(name)
    if (p) paths[key] = p
  }
  if (overviews) paths.overviews = overviews
  if (tmdbMovies && paths.links) paths.tmdbMovies = tmdbMovies
  return { dataset: 'ml-latest-small', root: dir, paths }
}

function ml100k(dir: string): DetectedDataset | undefined {
  const folder = [join(dir, 'movielens', 'ml-100k'), join(dir, 'ml-100k'), dir].find((d) => isFile(join(d, 'u.item')))
  if (!folder) return undefined
  const ratings = join(folder, 'u.data')
  return { dataset: 'ml-100k', root: dir, paths: { items: join(folder, 'u.item'), ...(isFile(ratings) ? { ratings } : {}) } }
}

const DETECTORS: Record<DatasetName, (dir: string) => DetectedDataset | undefined> = {
  generic,
  'ml-latest-small': mlSmall,
  'ml-100k': ml100k,
}

/**
 * Finds the dataset in a data folder. `auto` prefers a generic catalogue (`items.jsonl|csv`), then
 * ml-latest-small (`movielens/ml-latest-small/`, `ml-latest-small/` or the folder itself), then ml-100k.
 * Throws `data.not_found` when the folder or the requested dataset is not there.
 */
export async function detectDataset(dir: string, dataset: DatasetChoice = 'auto'): Promise<DetectedDataset> {
  const root = resolve(dir)
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new AppError('data.not_found', `Data folder ${root} does not exist. ${NOT_FOUND_HINT}`, { details: { dir: root } })
  }
  const order: DatasetName[] = dataset === 'auto' ? ['generic', 'ml-latest-small', 'ml-100k'] : [dataset]
  for (const name of order) {
    const found = DETECTORS[name](root)
    if (found) return found
  }
  const what = dataset === 'auto' ? 'no catalogue' : `no ${dataset} dataset`
  throw new AppError('data.not_found', `Found ${what} in ${root}. ${NOT_FOUND_HINT}`, { details: { dir: root, dataset } })
}
