import type { ItemId } from '../../core/index.ts'
import type { TitleMention } from '../title-index.ts'
import { describesRe, HEDGE_RE, NEG_RE, REFUSING_WORDS, REQUEST_CUE_RE, unwatchedRe } from './cues.ts'
import { type DomainWords, perDomain } from './domain-words.ts'
import {
  blank,
  type Clause,
  type ClauseReading,
  copyFindings,
  type PassEnv,
  type PointedItem,
  type Range,
  UNRESOLVED,
  type UtteranceState,
  visible,
} from './state.ts'
import type { ItemAction, Understanding } from './types.ts'

/** A refusal just before a title ("not Titanic", "anything but the Notebook"). */
const NOT_BEFORE_RE = new RegExp(
  String.raw`\b(?:${REFUSING_WORDS}|nah|but not|aren'?t)\s*(?:,\s*)?(?:(?:any|other|more|another)\s+)*(?:the\s+)?$`,
)

const POS_RE =
  /\b(?:lov(?:e|ed|es|ing)|lik(?:e|ed|es)|enjoy(?:ed|s)?|favou?rites?|fan of|great|amazing|awesome|good|best|fantastic|excellent|brilliant|masterpiece|wonderful|incredible|fun|adored?|into|cool|hilarious|perfect|beautiful|classic|similar|reminds? me|the likes of|such as)\b/
/**
 * "is it a fantasy?", "thats more sci fi isnt it?", "I wouldn't call that a thriller", and questions about what
 * happens in it ("does he go to war?", "did it have much action?").
 */
const ASKS_ABOUT_IT_RE =
  /^\W*(?:\w+\W+)?(?:is|was|isn'?t|wasn'?t)\s+(?:it|that|this)\b|^\W*(?:\w+\W+)?(?:does|did|doesn'?t|didn'?t)\s+(?:it|that|this|he|she|they)\b|\b(?:isn'?t|wasn'?t) (?:it|that)\W*$|\b(?:is|was) (?:it|that)\s*\?|\bcall (?:it|that|this)\b/
/** A wh-question with the film as "it" ("what war is it based on", "who is in it"); the clause must end in "?". */
const WH_ABOUT_IT_RE = /\b(?:what|which|who|whom|how|where|when|why)\b.*\b(?:it|it'?s|its)\b/
const ANCHOR_RE =
  /\b(?:more like|something like|anything like|movies like|films like|ones like|similar to|similar|along the lines of|in the vein of|such as|the likes of|reminds? me of|like)\s*$/
/**
 * Before "like X": a refusal of films like it ("I'm not looking for something like", "nothing like"). A bare "no" answers
 * a question and "isn't there something like" asks.
 */
const REFUSED_ANCHOR_RE =
  /\b(?:not|don'?t|dont|do not|never)\s+(?:really\s+)?(?:looking for|want(?:ing)?|in the mood for|after|interested in|into|need)\b|\b(?:nothing|rather not|any ?thing but|other than)\b/

/** The cues of having consumed an item or not, in the domain's verbs ("seen", "installed", "never read"). */
const consumptionCues = perDomain((w: DomainWords) => ({
  unseen: new RegExp(
    `\\b(?:have ?n[o']?t (?:${w.participle}|heard of)|never (?:${w.done}|heard of)|not (?:yet )?(?:${w.participle})|did ?n[o']?t (?:${w.base})|have yet to (?:${w.base})|(?:want|wanna|going|plan|planning|need) to (?:${w.base})|heard (?:good |great )?(?:things|of it|about it)|^\\W*no\\W+i (?:have ?n[o']?t|have not)\\b)\\b`,
  ),
  // "Have you seen La La Land?" asks the other side.
  asksHelper: new RegExp(`\\b(?:have|did|do) you (?:ever )?(?:${w.done}|${w.base}|heard of|know)\\b`),
  // Done, or doing now in the first person ("I use it"), not a plan ("make sure I watch it") or a view ("how I see it").
  seen: new RegExp(
    `\\b(?:${w.done}|already|yes,? i (?:have|did)|(?<!\\b(?:sure|will|to|should|must|gonna|might|could|would|can|how|what|if|when) )i (?:${w.base}))\\b`,
  ),
  /** A clause opening with not having consumed the item ("never saw that one", "I haven't seen it yet"). */
  unwatchedIt: new RegExp(
    `^\\W*(?:i\\s+)?${unwatchedRe(w).source}\\s+(?:it|that|this)(?:\\s+(?:one|${w.singular}))?(?:\\s+(?:yet|before))?\\W*`,
  ),
}))

/**
 * Sentiment, clause by clause: how each clause reads (likes, dislikes, seen or not, describing a film or asking
 * about one), and from it what the person does with each title and each item pointed at.
 */
export function readSentiment(state: UtteranceState, { ctx, words }: PassEnv): UtteranceState {
  const findings = copyFindings(state.findings)
  const readings: ClauseReading[] = []
  const view = visible(state)
  const cues = blank(
    state.lower,
    state.titles.map((f): Range => [f.start, f.end]),
  )
  let inherited: ClauseReading['tone']
  let describedBefore = false
  for (const clause of state.clauses) {
    if (clause.sentenceStart) inherited = undefined
    const reading = readClause(state, clause, words, {
      cues: cues.slice(clause.start, clause.end),
      words: view.slice(clause.start, clause.end),
      inherited,
      describedBefore,
    })
    if (reading.neg || reading.pos) inherited = reading.tone
    describedBefore = reading.describesItem
    readings.push(reading)
    for (const f of state.titles) {
      if (f.start >= clause.start && f.start < clause.end)
        findings.mentions.push({ mention: f, action: actionAt(state, clause, reading, f.start) })
    }
    for (const r of state.pointed) {
      if (r.start >= clause.start && r.start < clause.end) referTo(state, clause, reading, r, findings)
    }
  }
  if (state.likeAllShown) for (const id of ctx.lastShown) findings.references.push({ itemId: id, action: 'anchor' })
  // A title answering the pending question ("Aliens").
  if (ctx.pending && findings.clarified === undefined) {
    const candidates = ctx.pending.candidates
    const answer = findings.mentions
      .map((m) => m.mention.itemId ?? m.mention.candidates[0])
      .find((top) => top !== undefined && candidates.includes(top))
    if (answer !== undefined) findings.clarified = answer
  }
  return { ...state, readings, findings }
}

function readClause(
  state: UtteranceState,
  clause: Clause,
  words: DomainWords,
  around: { cues: string; words: string; inherited: ClauseReading['tone']; describedBefore: boolean },
): ClauseReading {
  const { cues } = around
  const cue = consumptionCues(words)
  const neg = NEG_RE.test(cues)
  const unseen = !neg && cue.unseen.test(cues)
  const pos = !neg && !unseen && POS_RE.test(cues)
  // "Have you seen La La Land?" asks the other side: it says nothing about whether the person has.
  const asksHelper = cue.asksHelper.test(cues)
  const seen = !neg && !unseen && !pos && !asksHelper && cue.seen.test(cues)
  const tone: ClauseReading['tone'] = neg ? 'neg' : pos ? 'pos' : unseen || seen ? undefined : around.inherited
  // A dislike carries over to the next clause ("I don't like horror, or thrillers"), not into a request
  // ("I hated Titanic, something funny").
  const carried = tone === 'neg' && !neg && !REQUEST_CUE_RE.test(around.words)
  const asItem = titlesAsIt(state, clause)
  // "Is it funny? Or more of a drama?": an "or" question goes on asking about the same film.
  const question = state.lower[clause.end] === '?'
  const orQuestion = question && around.describedBefore && /^\W*or\b/.test(asItem)
  // "Do you know what war it's based on?", "who is in it?": a wh-question about the film.
  const whAboutIt = question && WH_ABOUT_IT_RE.test(asItem)
  const asksAboutIt = (ASKS_ABOUT_IT_RE.test(asItem) || orQuestion || whAboutIt) && !REQUEST_CUE_RE.test(asItem)
  // "never saw that one I heard it was scary" goes on to describe it.
  const afterUnwatched = asItem.replace(cue.unwatchedIt, '')
  const describesItem = asksAboutIt || (describesRe(words).test(afterUnwatched) && !REQUEST_CUE_RE.test(asItem))
  return { neg, unseen, pos, seen, asksHelper, tone, carried, asksAboutIt, describesItem }
}

/** The clause's text with each title read as "it" ("The Ring was scary" describes a film as "it was scary" does). */
function titlesAsIt(state: UtteranceState, clause: Clause): string {
  let asItem = state.lower.slice(clause.start, clause.end)
  for (const f of [...state.titles].reverse())
    if (f.start >= clause.start && f.end <= clause.end)
      asItem = `${asItem.slice(0, f.start - clause.start)}it${asItem.slice(f.end - clause.start)}`
  return asItem
}

/** What the person does with the item named or pointed at `start`: the words just before it, then the clause's cues. */
function actionAt(state: UtteranceState, clause: Clause, reading: ClauseReading, start: number): ItemAction {
  const before = state.lower.slice(Math.max(clause.start, start - 40), start)
  if (NOT_BEFORE_RE.test(before)) return 'reject'
  if (reading.neg) return 'dislike'
  if (reading.unseen) return 'unseen'
  // "I'm not looking for something like Fast & Furious": not that, and not a pull toward it.
  if (ANCHOR_RE.test(before)) return REFUSED_ANCHOR_RE.test(before.replace(HEDGE_RE, ' ')) ? 'reject' : 'anchor'
  if (reading.pos) return 'like'
  if (reading.seen) return 'seen'
  if (reading.asksHelper) return 'anchor'
  return reading.tone === 'neg' ? 'dislike' : 'like'
}

/** Adds what the clause says of a pointed item: an answer to the pending question, or a reaction to it. */
function referTo(state: UtteranceState, clause: Clause, reading: ClauseReading, r: PointedItem, findings: Understanding): void {
  if (r.fromPending) {
    findings.clarified = r.itemId
    return
  }
  const itemId = r.pronoun ? pronounItem(state, clause, reading, r) : r.itemId
  if (itemId === undefined) return
  const { neg, unseen, pos } = reading
  // The pronoun's own verb carries the cue: "never seen it" is unseen, not "not that one".
  let action: ItemAction = r.pronoun
    ? neg
      ? 'dislike'
      : unseen
        ? 'unseen'
        : pos
          ? 'like'
          : 'seen'
    : actionAt(state, clause, reading, r.start)
  if (r.similar && action !== 'reject' && action !== 'dislike') action = 'anchor'
  if (action === 'like' && !pos) action = 'anchor'
  findings.references.push({ itemId, action })
}

/** The item a pronoun stands for, or undefined when it says nothing here. */
function pronounItem(state: UtteranceState, clause: Clause, reading: ClauseReading, r: PointedItem): ItemId | undefined {
  if (!(reading.neg || reading.pos || reading.seen || reading.unseen)) return undefined
  // After a title, "it" is that title: in its own clause the title's action says it all ("I loved Alien, it was
  // great"); in a later statement it takes the reaction ("Have you seen La La Land? I loved it").
  const title: TitleMention | undefined = state.titles.filter((f) => f.start < r.start).at(-1)
  if (title) {
    const laterSentence = /[.!?]/.test(state.lower.slice(title.end, r.start))
    if (!laterSentence || state.lower[clause.end] === '?' || title.itemId === undefined) return undefined
    return title.itemId
  }
  return r.itemId === UNRESOLVED ? undefined : r.itemId
}
