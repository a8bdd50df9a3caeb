import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { buildChatTables, type ChatTables, type TitleTables } from '../chat/index.ts'
import { AppError, type Facet, type Item, writeFileAtomic } from '../core/index.ts'
import {
  buildLexicalTables,
  factNamesOf,
  type LexicalTables,
  type Postings,
  type SearchWords,
  thesaurusWords,
} from '../recommend/index.ts'
import { loadWordNet } from './wordnet.ts'

/**
 * The catalogue tables of a build's items, written at rebuild time (listed in the manifest, so checked by SHA-256
 * like the snapshot): a swap then reads them instead of building them, seconds of CPU on a real catalogue.
 */
export const TABLES_FILE = 'catalogue-tables.json'

/**
 * The version of the file's shape *and* of the rules that build the tables (stems, stop words, field weights, title
 * keys, facets). Bump it with any such change (`tables.test.ts` pins a digest of the tables of a fixed catalogue, so a
 * change without a bump fails there): a build whose tables carry another version gets them built anew by the reader
 * thread, never served with rules the code no longer has.
 */
export const TABLES_VERSION = 5

/**
 * The tables the chat (title keys, facets) and the recommender (lexical and BM25 postings) derive from a build's
 * items alone. A server's reader thread reads them (or builds them, for a build made before they were written)
 * with the items, so a swap does not build them on the thread that answers turns; they serve only a chat over
 * exactly those items (no live changes on top).
 */
export interface CatalogueTables {
  chat: ChatTables
  lexical: LexicalTables
  /** The other names WordNet gives the items' tags ("lone star state" for "texas"), searched as the tags' words. */
  thesaurus: SearchWords[]
}

/** The catalogue tables of `items` (the same whichever thread builds them). */
export function buildCatalogueTables(items: readonly Item[]): CatalogueTables {
  return {
    chat: buildChatTables(items),
    lexical: buildLexicalTables(items),
    thesaurus: thesaurusWords(factNamesOf(items), loadWordNet()),
  }
}

/** The buffers of the tables' typed arrays, to move rather than copy to another thread. */
export function tableBuffers(tables: CatalogueTables | undefined): ArrayBuffer[] {
  if (!tables) return []
  const { keywords, search } = tables.lexical
  return [keywords.starts, keywords.at, search.starts, search.at, ...(search.weights ? [search.weights] : [])].map(
    (array) => array.buffer as ArrayBuffer,
  )
}

const postingsShape = z.object({
  terms: z.array(z.unknown()),
  starts: z.array(z.unknown()),
  at: z.array(z.unknown()),
  weights: z.array(z.unknown()).optional(),
})

/**
 * The file's outline only: its contents are what the rebuild wrote (the manifest's SHA-256 checked them), so the
 * hundreds of thousands of postings are not validated one by one.
 */
const tablesFileSchema = z.object({
  formatVersion: z.number().int(),
  itemCount: z.number().int().min(0),
  titles: z.object({ exact: z.array(z.unknown()), fuzzyKeys: z.array(z.unknown()), maxTokens: z.number().int().min(1) }),
  facets: z.array(z.unknown()),
  lexical: z.object({ itemCount: z.number().int().min(0), keywords: postingsShape, search: postingsShape }),
  // Absent from files of versions before 3, which are built anew (as are those of version 3: no numeral rule).
  thesaurus: z.array(z.object({ phrases: z.array(z.string()), terms: z.array(z.string()) })).optional(),
})

interface PostingsJson {
  terms: string[]
  starts: number[]
  at: number[]
  weights?: number[]
}

interface TablesJson {
  formatVersion: number
  itemCount: number
  titles: { exact: [string, unknown[]][]; fuzzyKeys: [string, string[]][]; maxTokens: number }
  facets: Facet[]
  lexical: { itemCount: number; keywords: PostingsJson; search: PostingsJson }
  thesaurus?: SearchWords[]
}

/** Writes the catalogue tables of `items` (in snapshot order) to the build folder `dir`. */
export async function writeCatalogueTables(dir: string, items: readonly Item[]): Promise<void> {
  const { chat, lexical, thesaurus } = buildCatalogueTables(items)
  const file: TablesJson = {
    formatVersion: TABLES_VERSION,
    itemCount: items.length,
    titles: { exact: [...chat.titles.exact], fuzzyKeys: [...chat.titles.fuzzyKeys], maxTokens: chat.titles.maxTokens },
    facets: chat.facets,
    lexical: {
      itemCount: lexical.itemCount,
      keywords: postingsToJson(lexical.keywords),
      search: postingsToJson(lexical.search),
    },
    thesaurus,
  }
  await writeFileAtomic(join(dir, TABLES_FILE), JSON.stringify(file))
}

/**
 * Reads the tables the rebuild wrote for `items` (the build's snapshot). Throws `index.corrupt` when the file does
 * not parse or was written for another number of items; undefined when it was written under other rules
 * (`TABLES_VERSION`): the caller builds them anew.
 */
export async function readCatalogueTables(dir: string, items: readonly Item[]): Promise<CatalogueTables | undefined> {
  const path = join(dir, TABLES_FILE)
  let file: TablesJson
  try {
    file = tablesFileSchema.parse(JSON.parse(await readFile(path, 'utf8'))) as unknown as TablesJson
  } catch (error) {
    throw new AppError('index.corrupt', `${path} is not a catalogue tables file; run \`concierge rebuild\``, {
      cause: error,
      details: { file: TABLES_FILE },
    })
  }
  if (file.formatVersion !== TABLES_VERSION) return undefined
  if (file.itemCount !== items.length) {
    throw new AppError('index.corrupt', `${path} describes ${file.itemCount} items, the snapshot holds ${items.length}`, {
      details: { file: TABLES_FILE, tablesItems: file.itemCount, snapshotItems: items.length },
    })
  }
  const titles = {
    exact: new Map(file.titles.exact),
    fuzzyKeys: new Map(file.titles.fuzzyKeys),
    maxTokens: file.titles.maxTokens,
  } as TitleTables
  const { itemCount, keywords, search } = file.lexical
  return {
    chat: { titles, facets: file.facets },
    lexical: { itemCount, keywords: postingsFromJson(keywords), search: postingsFromJson(search) },
    thesaurus: file.thesaurus ?? [],
  }
}

function postingsToJson(postings: Postings): PostingsJson {
  return {
    terms: postings.terms,
    starts: Array.from(postings.starts),
    at: Array.from(postings.at),
    ...(postings.weights ? { weights: Array.from(postings.weights) } : {}),
  }
}

function postingsFromJson(json: PostingsJson): Postings {
  return {
    terms: json.terms,
    starts: Int32Array.from(json.starts),
    at: Int32Array.from(json.at),
    ...(json.weights ? { weights: Float64Array.from(json.weights) } : {}),
  }
}
