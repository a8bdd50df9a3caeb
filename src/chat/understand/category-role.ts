import { AGE_WORDS, type CategoryLexicon, type CategoryTerm } from '../categories.ts'
import type { Token } from '../text.ts'

/**
 * Whether a category word asked for is said as part of the wish rather than as a filter. A word is a filter when it
 * names the kind of item ("a documentary", "a family movie") or who it is for ("for the kids", "with my family", "my
 * kids love cartoons"). It is a wish to match when the word before it denies the kind ("a fake documentary" is a
 * comedy, not a documentary) or, for words naming people, when the people are in the story: someone else's
 * ("someone's kid", "a man's family"), doing something ("kid gets abducted", "a family starting over", "kids who …")
 * or set in a scene ("kids at a boarding school", "a family in a new country").
 */
export function readsAsWish(said: SaidTerm, kinds: KindWords): boolean {
  if (DENIES_KIND_RE.test(said.before)) return true
  if (!said.term.people) return false
  const before = said.tokens.slice(0, said.at)
  const after = said.tokens.slice(said.at + said.len)
  if (namesAudience(before) || modifiesKind(after, kinds)) return false
  return placedInStory(before) || startsStory(after) || actsAlone(said.term, before, after)
}

/**
 * Where the words saying who the item is for start ("for my kids", "that my 8 year old would enjoy": at "for", at
 * "my"), when a category word naming people is said so; undefined otherwise. Such a word sets the filter even inside
 * the story's subject, and the wish leaves its words out.
 */
export function audienceStart(said: SaidTerm): number | undefined {
  if (said.term.people !== true) return undefined
  const before = said.tokens.slice(0, said.at)
  if (!namesAudience(before)) return undefined
  const { determiners, head } = determinersBefore(before)
  if (head && (AUDIENCE_HEADS.has(head.norm) || isPossessive(head))) {
    const owner = before[before.indexOf(head) - 1]
    return isPossessive(head) && owner && SPEAKERS.has(owner.norm) ? owner.start : head.start
  }
  return (determiners[0] ?? said.tokens[said.at])!.start
}

/** A category term found in a clause: its tokens, where it starts and how many words it has, and the text before it. */
export interface SaidTerm {
  tokens: readonly Token[]
  at: number
  len: number
  before: string
  term: CategoryTerm
}

/** The words naming kinds of item: the domain's item nouns ("movie") and the category words. */
export interface KindWords {
  nouns: ReadonlySet<string>
  lexicon: CategoryLexicon
}

/** Words before a category word saying the item only passes for that kind. */
const DENIES_KIND_RE = /\b(?:fake|mock|pretend|faux|pseudo|so[\s-]?called)[\s-]+$/
/** Possessives of whoever is talking: "my kids", "our family" are the audience. */
const SPEAKERS = new Set('my our your'.split(' '))
/** Possessives of someone else, who is in the story ("his family", "their kids"), and "a film where a kid …". */
const IN_STORY_BEFORE = new Set('his her their its where'.split(' '))
/** "it's", "that's": a verb, not someone's ("it's kid stuff"). */
const IS_CONTRACTED_RE = /^(?:it|that|what|there|here|he|she|who|where|how|let)'s$/
/** Words between "for"/"with" or a possessive and the people it names ("for the kids", "with my two young kids"). */
const DETERMINERS = new Set([...'a an the some all any my our your young little small older younger'.split(' '), ...AGE_WORDS])
const INDEFINITE = new Set(['a', 'an'])
/** Words before the people an item is for: "for the kids", "with my family". */
const AUDIENCE_HEADS = new Set(['for', 'with'])
/** Articles before one person or family ("a kid", "the family"), whose verb then ends in -s ("a kid dies"). */
const ARTICLES = new Set(['a', 'an', 'the'])
/** At most this many determiners are read back from a category word. */
const MAX_DETERMINERS = 3
/** Relative words and auxiliaries after people that start what they do: "kids who …", "a kid gets …". */
const ACTS_NEXT = new Set(
  'who whom whose that which where is are was were gets get got goes go went going gone being has have had'.split(' '),
)
/** Prepositions of place or situation that start a scene: "kids at a boarding school", "a family in a new country". */
const SCENE_NEXT = new Set('at in on aboard inside from during near under across through around'.split(' '))
/** A verb in -ing or -ed ("starting", "abducted"); three letters of stem at least, so not "thing" or "need". */
const VERB_FORM_RE = /^[a-z]{3,}(?:ing|ed)$/

/** The determiners right before a category word ("the", "my two"), and the word before them ("for", "someone's"). */
function determinersBefore(before: readonly Token[]): { determiners: readonly Token[]; head: Token | undefined } {
  let k = before.length
  while (k > 0 && before.length - k < MAX_DETERMINERS && DETERMINERS.has(before[k - 1]!.norm)) k--
  return { determiners: before.slice(k), head: before[k - 1] }
}

/** Who the item is for: after "for" or "with" ("with a family in crisis" is in the story), or the speaker's own ("my sister's kids"). */
function namesAudience(before: readonly Token[]): boolean {
  const { determiners, head } = determinersBefore(before)
  if (determiners.some((t) => SPEAKERS.has(t.norm))) return true
  if (head?.norm === 'for') return true
  if (head?.norm === 'with') return !determiners.some((t) => INDEFINITE.has(t.norm))
  return head !== undefined && isPossessive(head) && SPEAKERS.has(before[before.indexOf(head) - 1]?.norm ?? '')
}

/** "a family movie", "kids comedies", "a family oriented film": the word says which kind of item. */
function modifiesKind([next, second]: readonly Token[], { nouns, lexicon }: KindWords): boolean {
  if (next && (nouns.has(next.norm) || lexicon.terms.has(next.norm))) return true
  return second !== undefined && nouns.has(second.norm)
}

/** "someone's kid", "a man's family", "his kids", "a film where a kid …": people in the story. */
function placedInStory(before: readonly Token[]): boolean {
  const { head } = determinersBefore(before)
  return head !== undefined && (IN_STORY_BEFORE.has(head.norm) || isPossessive(head))
}

/** People who do something or are somewhere: the subject of a verb, a relative clause or a scene. */
function startsStory(after: readonly Token[]): boolean {
  const next = after[0]?.norm
  return next !== undefined && (ACTS_NEXT.has(next) || SCENE_NEXT.has(next) || VERB_FORM_RE.test(next))
}

/**
 * "a kid dies", "the family moves": one person or family and a verb in -s. Only after an article, since without one
 * the -s word is as likely a plural noun ("family classics").
 */
function actsAlone(term: CategoryTerm, before: readonly Token[], [next]: readonly Token[]): boolean {
  if (!next || term.phrase.endsWith('s') || !/^[a-z]{2,}[^s]s$/.test(next.norm)) return false
  return determinersBefore(before).determiners.some((t) => ARTICLES.has(t.norm))
}

function isPossessive(token: Token): boolean {
  const raw = token.raw.toLowerCase().replace(/’/g, "'")
  return raw.endsWith("'s") && !IS_CONTRACTED_RE.test(raw)
}
