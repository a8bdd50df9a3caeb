import type { Item } from '../../core/index.ts'
import { createCategoryLexicon } from '../categories.ts'
import { sanitizeUtterance } from '../text.ts'
import { createTitleIndex } from '../title-index.ts'
import { defaultProfile, domainWords } from './domain-words.ts'
import { PASSES } from './index.ts'
import { initialState, type PassEnv, type UtteranceState } from './state.ts'
import type { UnderstandContext } from './types.ts'

/** A few films, enough to test one pass at a time (not a test file: shared by the pass tests). */
const FILMS: [string, string, number, string][] = [
  ['1214', 'Alien', 1979, 'Horror|Sci-Fi'],
  ['1200', 'Aliens', 1986, 'Action|Horror|Sci-Fi'],
  ['1', 'Toy Story', 1995, 'Animation|Children|Comedy'],
  ['858', 'The Godfather', 1972, 'Crime|Drama'],
  ['1721', 'Titanic', 1997, 'Drama|Romance'],
  ['8533', 'The Notebook', 2004, 'Drama|Romance'],
  ['33', 'Shooter', 2007, 'Action|Thriller'],
  ['6', 'Crazy, Stupid, Love.', 2011, 'Comedy|Romance'],
  ['7', 'Fantasia', 1940, 'Animation|Fantasy|Musical'],
  ['88', 'The American', 2010, 'Drama|Thriller'],
  ['89', 'Captain America: The First Avenger', 2011, 'Action|Adventure|Sci-Fi'],
  ['90', 'It', 2017, 'Horror'],
  ['91', "Ocean's Eleven", 2001, 'Crime|Thriller'],
  ['92', 'Lone Star', 1996, 'Drama|Mystery|Western'],
  ['93', 'Upside Down', 2012, 'Drama|Romance|Sci-Fi'],
  ['94', "New Year's Eve", 2011, 'Comedy|Romance'],
  ['95', 'The Dark Knight', 2008, 'Action|Crime|Drama'],
  ['96', 'Microcosmos', 1996, 'Documentary'],
  ['97', 'High School', 2010, 'Comedy'],
]

/** Films as items from rows of id, title, year and genres joined by "|" (extra fields ignored). */
export function filmItems(rows: readonly (readonly [string, string, number, string, ...unknown[]])[]): Item[] {
  return rows.map(([id, title, year, genres]) => ({
    id,
    title,
    year,
    description: '',
    tags: [],
    categories: genres.split('|'),
    metadata: {},
  }))
}

export const fixtureItems: Item[] = filmItems(FILMS)

const lexicon = createCategoryLexicon(fixtureItems)
const reserved = new Set([...lexicon.terms.keys()].filter((k) => !k.includes(' ')))
const titles = createTitleIndex(fixtureItems, new Map(FILMS.map(([id], i) => [id, 100 - i])), { reserved })

/** The pass environment over the fixture films; `ctx` fields may be overridden. */
export function fixtureEnv(over: Partial<UnderstandContext> = {}): PassEnv {
  const ctx: UnderstandContext = {
    lastShown: [],
    yearOf: (id) => fixtureItems.find((i) => i.id === id)?.year,
    maxYear: 2018,
    hasRuntime: true,
    ...over,
  }
  return { ctx, titles, lexicon, words: domainWords(ctx.profile ?? defaultProfile()) }
}

/** The state a pass receives: every pass before `name` run over `text`. */
export function stateBefore(name: string, text: string, env: PassEnv = fixtureEnv()): UtteranceState {
  let state = initialState(sanitizeUtterance(text))
  for (const pass of PASSES) {
    if (pass.name === name || state.done) break
    state = pass.run(state, env)
  }
  return state
}

/** Runs the named pass alone on the state the passes before it leave. */
export function runPass(name: string, text: string, env: PassEnv = fixtureEnv()): UtteranceState {
  const pass = PASSES.find((p) => p.name === name)
  if (!pass) throw new Error(`no pass named ${name}`)
  return pass.run(deepFreeze(stateBefore(name, text, env)), env)
}

/** Freezes a state all the way down, so a pass that changes what it was given throws. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}
