import type { ItemId } from '../../core/index.ts'
import type { CategoryLexicon } from '../categories.ts'
import type { TitleIndex, TitleMention } from '../title-index.ts'
import type { DomainWords } from './domain-words.ts'
import type { UnderstandContext, Understanding } from './types.ts'

/** A span of the utterance, as character offsets [start, end). */
export type Range = [number, number]

/** A stretch of the utterance between separators (",", ".", "but"...): sentiment and refusals hold within it. */
export interface Clause {
  start: number
  end: number
  /** The clause opens a sentence (a dislike does not carry over from the previous one). */
  sentenceStart: boolean
}

/** An item pointed at through the last reply, a pending question or the focus ("the second one", "loved it"). */
export interface PointedItem {
  start: number
  end: number
  itemId: ItemId
  /** It answers the pending clarifying question. */
  fromPending: boolean
  /** "More like that": a pull toward it, not a like. */
  similar?: boolean
  /** "it", "them": counts only with a reaction in its clause. */
  pronoun?: boolean
  /** "that one", "more like this": re-pointed once titles are found. */
  demonstrative?: boolean
}

/** How one clause reads: its sentiment cues and whether it describes a film rather than asks for one. */
export interface ClauseReading {
  neg: boolean
  unseen: boolean
  pos: boolean
  seen: boolean
  /** "Have you seen...?": asks the other side. */
  asksHelper: boolean
  /** The clause's tone, inherited from an earlier clause of the sentence when it has no cue of its own. */
  tone: 'neg' | 'pos' | undefined
  /** A dislike carried over from the clause before ("I don't like horror, or thrillers"), not into a request. */
  carried: boolean
  /** Asks about a film ("is it a fantasy?", "who is in it?"). */
  asksAboutIt: boolean
  /** Describes a film ("it was scary"): its category words set no filter. */
  describesItem: boolean
}

/** The item of a pronoun that points at nothing shown; it counts only if a title said before it gives it one. */
export const UNRESOLVED = ''

/**
 * What the passes know about one utterance. Each pass takes a state and returns the next one without changing the
 * one it was given; `masked` holds the spans earlier passes consumed, so later passes do not read them again.
 */
export interface UtteranceState {
  /** The utterance after sanitising. */
  readonly text: string
  /** Lower-cased, same length as `text` (offsets are shared). */
  readonly lower: string
  readonly masked: readonly Range[]
  readonly clauses: readonly Clause[]
  /** Items pointed at (references pass). */
  readonly pointed: readonly PointedItem[]
  /** "More like these": every item shown is an anchor. */
  readonly likeAllShown: boolean
  /** Titles found (titles pass). */
  readonly titles: readonly TitleMention[]
  /** One reading per clause (sentiment pass). */
  readonly readings: readonly ClauseReading[]
  /** Per clause, the words that were category names ("horror"), which alone make no wish (categories pass). */
  readonly categoryWords: readonly ReadonlySet<string>[]
  /**
   * Per clause, the words naming a category asked for, in any form ("thriller", "animated"): the filter carries them,
   * so they do not drive the wish's lexical evidence (categories pass).
   */
  readonly filterWords: readonly ReadonlySet<string>[]
  /**
   * Per clause, every word of a category asked for, including those that only suggest it ("scary", "funny"): said
   * before the subject of a story ("a scary movie about clowns"), they say what kind of film, not what it is about
   * (categories pass).
   */
  readonly askedWords: readonly ReadonlySet<string>[]
  /**
   * Per clause, the spans of category words said as part of the wish rather than as a filter ("someone's |kid| gets
   * abducted", "a |fake documentary|"), relative to the clause: the wish keeps them even where they are chit-chat
   * elsewhere ("for my kids") (categories pass).
   */
  readonly wishSpans: readonly (readonly Range[])[]
  /**
   * Per clause, the spans saying who the item is for ("|for my kids|", "that |my 8 year old| would enjoy"), relative
   * to the clause: the category filter carries them, and the wish leaves them out (categories pass).
   */
  readonly audienceSpans: readonly (readonly Range[])[]
  /** Per clause, where the story's subject starts ("a drama about| a big family"), relative to the clause (categories pass). */
  readonly topicAt: readonly (number | undefined)[]
  /** The findings so far, in the public shape. */
  readonly findings: Understanding
  /**
   * The era was set by a word relative to something ("more recent", "older") and by nothing else: a title the message
   * asks for more like becomes what it is relative to ("like Alien but more recent": after 1979) (eras pass).
   */
  readonly relativeEra?: 'newer' | 'older'
  /** Nothing more to read: the remaining passes are skipped. */
  readonly done: boolean
}

/** What every pass may consult: the conversation around the message and the catalogue's vocabularies. */
export interface PassEnv {
  ctx: UnderstandContext
  titles: TitleIndex
  lexicon: CategoryLexicon
  /** The domain's words, compiled from `ctx.profile`. */
  words: DomainWords
}

/** One step of the understanding: a pure function from one state to the next. */
export type Pass = (state: UtteranceState, env: PassEnv) => UtteranceState

/** A copy of the findings that a pass may change without touching the state it was given. */
export function copyFindings(findings: Understanding): Understanding {
  return structuredClone(findings)
}

/** The lower-cased text with every consumed span blanked. */
export function visible(state: UtteranceState): string {
  return blank(state.lower, state.masked)
}

/**
 * Runs `re` (global) over what is still visible; every match whose handler does not return `false` is consumed.
 * The handler sees the matches of one call against the same text, so they do not mask each other.
 */
export function take(state: UtteranceState, re: RegExp, onMatch: (m: RegExpExecArray) => unknown): UtteranceState {
  const source = visible(state)
  re.lastIndex = 0
  const spans: Range[] = []
  for (const m of source.matchAll(re)) {
    if (onMatch(m as RegExpExecArray) !== false) spans.push([m.index, m.index + m[0].length])
  }
  return spans.length ? { ...state, masked: [...state.masked, ...spans] } : state
}

/** The clause holding an offset. */
export function clauseAt(state: UtteranceState, index: number): Clause | undefined {
  return state.clauses.find((c) => index >= c.start && index < c.end)
}

/** The state of a message before any pass has read it. */
export function initialState(text: string): UtteranceState {
  const lower = lowerSameLength(text)
  return {
    text,
    lower,
    masked: [],
    clauses: splitClauses(lower),
    pointed: [],
    likeAllShown: false,
    titles: [],
    readings: [],
    categoryWords: [],
    filterWords: [],
    askedWords: [],
    wishSpans: [],
    audienceSpans: [],
    topicAt: [],
    findings: {
      text,
      intent: text ? 'request' : 'empty',
      reset: false,
      dropFilters: false,
      changeDirection: false,
      mentions: [],
      references: [],
      include: [],
      exclude: [],
      includeAdds: false,
      preferences: [],
    },
    done: !text,
  }
}

/** Lowercase without changing offsets (a few characters grow when lowercased; those are kept). */
export function lowerSameLength(text: string): string {
  let out = ''
  for (const ch of text) {
    const l = ch.toLowerCase()
    out += l.length === ch.length ? l : ch
  }
  return out.replace(/[’‘`´]/g, "'")
}

/** The text with the given ranges replaced by spaces (same length, so offsets stay valid). */
export function blank(text: string, ranges: readonly Range[]): string {
  if (!ranges.length) return text
  const chars = text.split('')
  for (const [s, e] of ranges) for (let i = s; i < e && i < chars.length; i++) chars[i] = ' '
  return chars.join('')
}

/**
 * The clauses of an utterance: sentences, parts between commas, and the parts around "but", "though" and the like.
 * A refusal in the middle of a sentence starts a clause of its own ("an old-fashioned film | without any colour", "in
 * a house | instead of a hotel", "a scary movie that is | not too gory"), so the wish before it is not refused with it.
 */
export function splitClauses(lower: string): Clause[] {
  const out: Clause[] = []
  // "Anything but Star Wars" is one clause.
  const re =
    /[.!?;\n]+\s*|,\s*|(?<!\b(?:anything|any thing|everything|nothing|all))\s+(?:but|though|although|however|whereas|yet)\s+|\s+-\s+|\s+(?=(?:without|instead of|rather than)\s)|(?<=\b(?:that|which)(?: is|'s| are|'re)?)\s+(?=(?:not|never|isn'?t|aren'?t|doesn'?t|don'?t|does not|do not)\s)/g
  let start = 0
  let sentenceStart = true
  for (const m of lower.matchAll(re)) {
    const end = m.index!
    // A period inside a number or an abbreviation is not a clause end.
    if (m[0].startsWith('.') && /\d$/.test(lower.slice(0, end)) && /^\.\d/.test(lower.slice(end))) continue
    if (end > start) out.push({ start, end, sentenceStart })
    sentenceStart = /[.!?;\n]/.test(m[0])
    start = end + m[0].length
  }
  if (start < lower.length) out.push({ start, end: lower.length, sentenceStart })
  return out
}
