import { readFacets } from '../catalog/index.ts'
import type { Facet, Item, ItemId, Logger } from '../core/index.ts'
import { type DomainProfile, loadDomainProfile } from '../domain/index.ts'
import { composeReply as defaultComposeReply, explainItem as defaultExplainItem } from '../explain/index.ts'
import type { LlmClient } from '../llm/index.ts'
import type { Recommender } from '../recommend/index.ts'
import type { Store } from '../store/index.ts'
import { type CategoryLexicon, createCategoryLexicon } from './categories.ts'
import { createFacetReader, type FacetReader } from './facet-words.ts'
import { buildTitleTables, createTitleIndex, type TitleIndex, type TitleTables } from './title-index.ts'

/** The explanation functions the chat uses (src/explain by default). */
export interface ExplainFns {
  explainItem: typeof defaultExplainItem
  composeReply: typeof defaultComposeReply
}

export interface ChatDeps {
  items: readonly Item[]
  recommender: Recommender
  store: Store
  llm?: LlmClient
  explain?: ExplainFns
  logger: Logger
  /** Items per reply (default 5). */
  k?: number
  /** Interactions per item; breaks ties between items sharing a title ("Titanic"). Tag counts stand in without it. */
  popularity?: ReadonlyMap<ItemId, number>
  /** How long the LLM may take to word a reply before the template text is used (default 4000 ms). */
  llmTimeoutMs?: number
  /** How long the LLM may take to read a message and propose titles before the turn goes on without (default 1500 ms). */
  llmAssistTimeoutMs?: number
  /** The catalogue's domain: nouns, verbs, era and length words, reply copy (default: the movies profile). */
  profile?: DomainProfile
  /**
   * The tables of exactly these items (`buildChatTables(items)`, e.g. from a build's reader thread), so the chat
   * does not build them on this thread. Default: built here.
   */
  tables?: ChatTables
}

/** What a chat derives from its items alone (title keys, facets): the same whichever thread builds it. */
export interface ChatTables {
  titles: TitleTables
  facets: Facet[]
}

/** The chat's tables of `items`: what a build's reader thread hands to the server with the items. */
export function buildChatTables(items: readonly Item[]): ChatTables {
  return { titles: buildTitleTables(items), facets: readFacets(items) }
}

/** What every turn reads: the catalogue and its lookups, built once per build, and the services. */
export interface ChatContext {
  deps: ChatDeps
  profile: DomainProfile
  explain: ExplainFns
  /** Items per reply. */
  k: number
  byId: ReadonlyMap<ItemId, Item>
  titles: TitleIndex
  lexicon: CategoryLexicon
  /** Newest year in the catalogue (this year when no item has one). */
  maxYear: number
  /**
   * The profile's length field when items carry it and it counts minutes: the understanding reads "nothing too
   * long" and "under 2 hours" in minutes, so only such a field binds them. Else undefined.
   */
  lengthField: string | undefined
  /** The catalogue's fields that can be asked for, refused or bounded, read from its items. */
  facets: readonly Facet[]
  /** Reads facet constraints ("not GTK", "under 100 MB") from a message. */
  facetReader: FacetReader
  /** Whether any item has a year; without, an era word filters nothing and the reply says so. */
  hasYears: boolean
  /** Whether any item has a popularity: without (the Debian catalogue), no reply calls its picks popular. */
  hasPopularity: boolean
  /** Whether the catalogue's text names someone ("Tom Hanks"). */
  knowsName: (name: string) => boolean
  yearOf: (id: ItemId) => number | undefined
  label: (id: ItemId) => string
}

/** Builds the lookups a chat needs over a catalogue (title index, category lexicon, newest year). */
export function createChatContext(deps: ChatDeps): ChatContext {
  const { items } = deps
  const profile = deps.profile ?? loadDomainProfile('movies')
  const byId = new Map<ItemId, Item>(items.map((i) => [i.id, i]))
  const lexicon = createCategoryLexicon(items, profile)
  const reserved = new Set<string>()
  for (const key of lexicon.terms.keys()) if (!key.includes(' ')) reserved.add(key)
  const tables = deps.tables ?? buildChatTables(items)
  const titles = createTitleIndex(items, deps.popularity, { reserved, tables: tables.titles })
  let maxYear = 0
  for (const i of items) if (i.year !== undefined && i.year > maxYear) maxYear = i.year
  if (!maxYear) maxYear = new Date().getUTCFullYear()
  const field = profile.length?.unit === 'minutes' ? profile.length.field : undefined
  const hasLength =
    field !== undefined && items.some((i) => typeof i.metadata[field] === 'number' && (i.metadata[field] as number) > 0)
  // Every item's words, lower-cased, built at the first name asked for (a few MB for ten thousand films).
  let catalogueText: string | undefined
  const knowsName = (name: string) => {
    catalogueText ??= items.map((i) => `${i.title}\n${i.description}\n${i.tags.join('\n')}`.toLowerCase()).join('\n')
    return catalogueText.includes(name.toLowerCase())
  }
  const { facets } = tables
  return {
    deps,
    profile,
    facets,
    facetReader: createFacetReader(facets, profile, items.length),
    explain: deps.explain ?? { explainItem: defaultExplainItem, composeReply: defaultComposeReply },
    k: deps.k ?? 5,
    byId,
    titles,
    lexicon,
    maxYear,
    lengthField: hasLength ? field : undefined,
    hasYears: items.some((i) => i.year !== undefined),
    hasPopularity: [...(deps.popularity?.values() ?? [])].some((p) => p > 0),
    knowsName,
    yearOf: (id) => byId.get(id)?.year,
    label: (id) => titles.label(id),
  }
}
