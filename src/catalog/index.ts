/**
 * Catalogue and interaction loading: generic JSONL/CSV files and the MovieLens datasets, validated row by row,
 * plus the one item-text template used for embedding and the data fetchers: a verified MovieLens download, the
 * ReDial conversation log (checksum-pinned) and TMDB facts through its API (paced, resumable).
 *
 * Generic format (UTF-8):
 * - `items.jsonl` (one JSON object per line) or `items.csv` (RFC 4180, header row): `id` (required), `title`,
 *   `description`, `tags`, `categories` (JSON arrays, or text separated by `|`), `year` (1800–2100),
 *   `image_url` or `imageUrl` (absolute http(s) URL), `metadata` (JSON object); any other field is kept in
 *   `metadata`. An item needs a title, a description or tags.
 * - optional `interactions.csv` or `interactions.jsonl`: `user` (or `userId`/`user_id`), `item` (or
 *   `itemId`/`item_id`, must name an item), `rating` (number), `event` (or `event_type`: view, like, purchase…),
 *   `timestamp` (seconds since 1970, or ISO 8601). Rating and event are both optional: a bare pair is implicit
 *   feedback.
 */

export { type CsvError, type CsvOptions, type CsvRecord, parseCsv, readCsv } from './csv.ts'
export { type DatasetChoice, type DatasetName, type DetectedDataset, detectDataset, type GenericPaths } from './detect.ts'
export { readDialogues } from './dialogue-log.ts'
export {
  type DownloadMovieLensOptions,
  type DownloadMovieLensResult,
  downloadMovieLens,
  MOVIELENS_SMALL_SHA256,
  MOVIELENS_SMALL_URL,
} from './download.ts'
export {
  type DownloadRedialOptions,
  type DownloadRedialResult,
  downloadRedial,
  REDIAL_SHA256,
  REDIAL_URL,
} from './download-redial.ts'
export { type FetchTmdbOptions, type FetchTmdbResult, fetchTmdb, TMDB_API_URL } from './download-tmdb.ts'
/** `readFacets(items)`: the categorical and numeric fields of a catalogue the chat can filter on (see Facet). */
export { MAX_METADATA_VALUES, MAX_TAG_VALUES, readFacets } from './facets.ts'
export { displayTitle, splitTitleYear } from './fields.ts'
export { type ItemIssue, parseItemValues } from './generic.ts'
export { parseInspiredDialogues } from './inspired.ts'
export { type LoadCatalogOptions, loadCatalog } from './load.ts'
export type { MovieLens100kPaths, MovieLensSmallPaths } from './movielens.ts'
export { type CatalogProblem, formatProblem } from './problems.ts'
export { createMentionMapper, type Dialogue, MENTION_RE, parseDialogues, splitMention } from './redial.ts'
export { ITEM_TEXT_MAX_CHARS, ITEM_TEXT_MAX_TAGS, itemText } from './text.ts'
