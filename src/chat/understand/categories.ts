import { type CategoryLexicon, categoriesNamed } from '../categories.ts'
import { type Token, tokenize } from '../text.ts'
import { audienceStart, readsAsWish } from './category-role.ts'
import { NEG_RE, refusedBefore } from './cues.ts'
import type { DomainWords } from './domain-words.ts'
import { blank, type ClauseReading, copyFindings, type PassEnv, type Range, type UtteranceState, visible } from './state.ts'
import type { Understanding } from './types.ts'

/** "It doesn't have to be action", "not necessarily a comedy": the category stops being required. */
const RELEASE_BEFORE_RE =
  /\b(?:(?:(?:does|do|did)(?: not|n'?t)|dont|doesnt|didnt) (?:have|need|got) to be|(?:needn'?t|need not) be|not necessarily|(?:does|do)(?: not|n'?t) matter if it'?s)\s+(?:(?:an?|the)\s+)?(?:\S+\s+)?$/
const NEG_ALL_RE = new RegExp(NEG_RE.source, 'g')
/** How far after a category word a dislike still refers to it ("horror movies are just boring"). */
const DISLIKE_AFTER_CHARS = 30
/** The groups of a run of category words, without repeats ("funny comedy" is one group). */
function distinctGroups(run: readonly string[][]): string[][] {
  const out: string[][] = []
  for (const group of run) {
    const key = [...group].sort().join('|')
    if (!out.some((g) => [...g].sort().join('|') === key)) out.push([...group])
  }
  return out
}

/**
 * Category words clause by clause: asked for, refused ("no horror", "horror movies are boring") or released ("it
 * doesn't have to be action"). Words said together ("a romantic comedy") ask for all of them. A clause that
 * describes a film sets no filter.
 */
export function readCategories(state: UtteranceState, { lexicon, words }: PassEnv): UtteranceState {
  const findings = copyFindings(state.findings)
  const view = visible(state)
  const cues = blank(
    state.lower,
    state.titles.map((f): Range => [f.start, f.end]),
  )
  // Requested category words, in runs of adjacent ones ("romantic comedy" is one run of two).
  const runs: string[][][] = []
  const topicAt = state.clauses.map((clause) => topicStart(view.slice(clause.start, clause.end), lexicon, words))
  const perClause = state.clauses.map((clause, c) => {
    const reading = state.readings[c]!
    if (reading.describesItem) return noClauseCategories()
    const clauseCues = cues.slice(clause.start, clause.end)
    const said = { words: view.slice(clause.start, clause.end), cues: clauseCues, topicAt: topicAt[c] }
    return readClauseCategories(said, reading, { lexicon, words }, findings, runs)
  })
  const categoryWords = perClause.map((p) => p.names)
  const filterWords = perClause.map((p) => p.filters)
  const askedWords = perClause.map((p) => p.asked)
  const wishSpans = perClause.map((p) => p.wishSpans)
  const audienceSpans = perClause.map((p) => p.audienceSpans)
  // A refusal's implied kin ("no horror" also refuses thrillers) yields to a category asked for in the message: "a
  // funny heist movie, no horror" keeps the comedies that are thrillers too (Out of Sight); "no horror" alone refuses both.
  if (findings.include.length === 0) findings.exclude.push(...perClause.flatMap((p) => p.implied))
  // "A feel-good movie" is never a horror film, whatever else it is (unless horror is asked for).
  for (const mood of words.impliedRefusals) {
    if (!mood.re.test(state.lower)) continue
    for (const name of mood.exclude) {
      const named = categoriesNamed(lexicon, name)
      if (!findings.include.some((c) => named.includes(c))) findings.exclude.push(...named)
    }
  }
  // Asked for and refused in one breath ("horror but not gore"): the request wins, the refusal stays a soft push.
  // A category refused by name outweighs one a request only implies: "a kids film about a dog, not a cartoon" ("kids"
  // also asks for animated films) keeps Children and refuses Animation.
  const askedByName = new Set(perClause.flatMap((p) => p.named.asked))
  const refusedByName = new Set(perClause.flatMap((p) => p.named.refused))
  findings.include = [...new Set(findings.include)].filter((c) => askedByName.has(c) || !refusedByName.has(c))
  findings.exclude = [...new Set(findings.exclude)].filter((c) => !findings.include.includes(c))
  const together = runs.length === 1 ? distinctGroups(runs[0]!) : []
  if (together.length > 1) findings.includeAll = together
  // "comedies too" adds; "nothing too long" does not.
  findings.includeAdds = /\b(?:also|as well|additionally)\b|\btoo\b(?=\s*(?:$|[.,!?;)]|please\b))/.test(state.lower)
  return { ...state, categoryWords, filterWords, askedWords, wishSpans, audienceSpans, topicAt, findings }
}

/**
 * The category words of one clause, longest phrase first; returns the plain category names met ("horror"), the
 * words naming a category asked for, in any form ("thriller", "animated" for Animation, "comedic"), which its filter
 * carries, and the spans of category words said as part of the wish ("someone's kid gets abducted"). A word that
 * only suggests a category ("funny", "space") says more than the filter and is not one of them.
 */
function readClauseCategories(
  { words, cues, topicAt }: { words: string; cues: string; topicAt: number | undefined },
  reading: ClauseReading,
  { lexicon, words: domain }: { lexicon: CategoryLexicon; words: DomainWords },
  findings: Understanding,
  runs: string[][][],
): ClauseCategories {
  const tokens = tokenize(words)
  const implied: string[] = []
  const named = { asked: [] as string[], refused: [] as string[] }
  const categoryWords = new Set<string>()
  const filters = new Set<string>()
  const asked = new Set<string>()
  const wishSpans: Range[] = []
  const audienceSpans: Range[] = []
  // A dislike after a category word refuses it when it is about it ("horror movies are boring", "comedies are
  // not my thing"), not when it ends a long clause about something else ("usually high fantasy, I have a
  // stressful job so I don't want to think too hard").
  const dislikesAt = [...cues.matchAll(NEG_ALL_RE)].map((m) => m.index as number)
  let runEnd = -1
  let runStartAt = 0
  for (let i = 0; i < tokens.length; i++) {
    const found = longestTerm(tokens, i, lexicon)
    if (!found) continue
    const { term, len } = found
    const end = tokens[i + len - 1]!.end
    const before = words.slice(0, tokens[i]!.start)
    // Someone in the story ("someone's kid gets abducted") or a kind denied ("a fake documentary"): neither asked
    // for nor refused ("no film where a kid dies" refuses no children's film), and kept in the wish.
    const said = { tokens, at: i, len, before, term }
    const inWish = readsAsWish(said, { nouns: domain.nouns, lexicon })
    if (inWish) wishSpans.push([tokens[i]!.start, end])
    // The subject of the story ("a drama about a big family", "a funny heist movie") is a wish to match, not a filter;
    // who the item is for stays a filter there ("about a robot that my 8 year old would enjoy").
    const audienceAt = audienceStart(said)
    if (audienceAt !== undefined) audienceSpans.push([audienceAt, end])
    const inSubject = topicAt !== undefined && tokens[i]!.start >= topicAt && audienceAt === undefined
    const subject = inWish || term.topic === true || inSubject
    if (term.plain && !subject) for (const w of term.phrase.split(' ')) categoryWords.add(w)
    const dislikedAfter = dislikesAt.some((at) => at >= end && at - end <= DISLIKE_AFTER_CHARS)
    if (inWish) runEnd = -1
    else if (RELEASE_BEFORE_RE.test(before)) findings.release = [...new Set([...(findings.release ?? []), ...term.include])]
    else if (reading.carried || refusedBefore(before, domain) || dislikedAfter) {
      // A subject refused ("not zombies", "no heist movies") is a wish against it, not against its whole category.
      if (!term.topic) {
        const refused = term.exclude.filter((c) => !term.implied?.includes(c))
        findings.exclude.push(...refused)
        named.refused.push(...refused)
        implied.push(...(term.implied ?? []))
      }
    } else if (subject) runEnd = -1
    else {
      findings.include.push(...term.include)
      named.asked.push(...term.include.filter((c) => !term.impliedInclude?.includes(c)))
      for (const w of term.phrase.split(' ')) {
        asked.add(w)
        if (term.plain || namesOneOf(w, term.include)) filters.add(w)
      }
      // Said together ("romantic comedy", "action-comedy"), or "both romance and action".
      const between = runEnd > 0 ? words.slice(tokens[runEnd - 1]!.end, tokens[i]!.start) : ''
      const joined =
        (runEnd === i && /^[\s-]*$/.test(between)) ||
        (runEnd > 0 && runEnd === i - 1 && tokens[runEnd]!.norm === 'and' && /\bboth\s+$/.test(words.slice(0, runStartAt)))
      if (joined) runs.at(-1)!.push(term.include)
      else {
        runs.push([term.include])
        runStartAt = tokens[i]!.start
      }
      runEnd = i + len
    }
    i += len - 1
  }
  return { names: categoryWords, filters, asked, wishSpans, audienceSpans, implied, named }
}

interface ClauseCategories {
  names: Set<string>
  filters: Set<string>
  asked: Set<string>
  wishSpans: Range[]
  audienceSpans: Range[]
  /** Categories a refusal only implies (`CategoryTerm.implied`). */
  implied: string[]
  /** Categories asked for and refused by name, not only implied (`CategoryTerm.impliedInclude`, `implied`). */
  named: { asked: string[]; refused: string[] }
}

/** A clause that says no category (one that describes a shown item). */
function noClauseCategories(): ClauseCategories {
  const named = { asked: [], refused: [] }
  return { names: new Set(), filters: new Set(), asked: new Set(), wishSpans: [], audienceSpans: [], implied: [], named }
}

/** Letters a word shares with the start of a category's name to be a form of it ("animat-ed", "comed-ic"). */
const NAME_FORM_LETTERS = 5

/** Whether a word is a form of one of the category names ("animated" of Animation, "romantic" of Romance). */
function namesOneOf(word: string, categories: readonly string[]): boolean {
  if (word.length < NAME_FORM_LETTERS) return false
  const start = word.slice(0, NAME_FORM_LETTERS)
  return categories.some((c) => c.toLowerCase().startsWith(start))
}

/** Words that name an item when followed by "about" ("something about", "a story about"), beside the domain nouns. */
const TOPIC_HEADS = new Set('something anything one ones stuff story stories'.split(' '))
const TOPIC_CUE_RE = /([a-z0-9']+)\s+(?:about|involving|cent(?:er|re)d (?:on|around)|dealing with)\s+/g

/**
 * Where the subject of the story starts in a clause: after "about" (or "involving", "centred on") that follows an
 * item noun, "something"/"one"/"story", or a category word ("a drama about …"). Not after "think about" or "what about".
 */
function topicStart(words: string, lexicon: CategoryLexicon, domain: DomainWords): number | undefined {
  for (const m of words.matchAll(TOPIC_CUE_RE)) {
    const head = m[1]!.replace(/'/g, '')
    if (TOPIC_HEADS.has(head) || domain.nouns.has(head) || lexicon.terms.has(head)) return m.index + m[0].length
  }
  return undefined
}

/** The longest category phrase starting at token `i`. */
function longestTerm(tokens: readonly Token[], i: number, lexicon: CategoryLexicon) {
  for (let len = Math.min(lexicon.maxWords, tokens.length - i); len >= 1; len--) {
    const phrase = tokens
      .slice(i, i + len)
      .map((w) => w.norm)
      .join(' ')
    const term = lexicon.terms.get(phrase)
    if (term) return { term, len }
  }
  return undefined
}
