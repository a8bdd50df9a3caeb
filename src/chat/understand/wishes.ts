import { clipWords } from '../../core/index.ts'
import { AGE_WORDS } from '../categories.ts'
import { COMMON_WORDS, TOPIC_WORDS, type Token, tokenize } from '../text.ts'
import { NEGATOR_RE, refusedBefore } from './cues.ts'
import { type DomainWords, perDomain } from './domain-words.ts'
import { blank, copyFindings, type PassEnv, type Range, type UtteranceState, visible } from './state.ts'
import type { Understanding } from './types.ts'

/** No real word is longer; longer runs are noise (or an attack) and never reach the query. */
const MAX_WORD_CHARS = 30
/** A stated preference is quoted back in replies: keep it short. */
const MAX_PREFERENCE_CHARS = 80
/** Text addressed to the machine rather than a wish ("ignore previous instructions"): never becomes a query. */
const INSTRUCTION_RE =
  /\b(?:(?:ignore|disregard|forget|override) (?:all |any |the |your |my )*(?:previous |prior |above |earlier |system )?(?:instructions?|prompts?|rules|directions)|system prompt|(?:you are|you're) now|act as|pretend (?:to be|you)|jailbreak|developer mode|(?:api|secret) keys?|passwords?(?! (?:managers?|generators?|safes?|vaults?|keepers?|stores?)\b)|configuration|config|environment variables?|reveal|print your|role\W{0,4}system)\b/
/**
 * Questions to the other side ("have you seen it?", "what is it about?") are not wishes; "what about something with
 * dinosaurs?", "what's a good movie about food?", "what can I use to compress files?", "what do you have for
 * astronomy?" and "do you have any games with zombies?" ask for items.
 */
const ASKS_FOR_ITEMS = String.raw`(?:what|how) about\b|what(?:'s| is| are) (?:a|an|some|any)\b|what (?:can|could|should|would|do) (?:i|we) (?:use|run|install|try|get|play|read)\b|(?:what|which) (?:do|would|can|could) you (?:have|recommend|suggest) (?:for|to)\b|do you (?:have|know)(?: of)? (?:a|an|any|some|anything|something) \w+ (?:for|to|with|about|that)\b`
const QUESTION_TO_HELPER_RE = new RegExp(
  String.raw`^(?!${ASKS_FOR_ITEMS})(?:have you|did you|do you|what|which|who|whats|is it|is that|was it|are you|how|where|when|why|would you|can you tell)\b`,
)
const NEGATOR_WORDS = new Set('no not nothing none without dont never avoid except please nor'.split(' '))
/** Words that carry no wish on their own; a clause made only of these (and common words) adds no preference. */
const FLUFF = new Set(
  (
    'hi hello hey thanks thank please recommend recommendation recommendations suggest suggestion suggestions suggesting ' +
    'looking look find something anything ' +
    'any some maybe perhaps think guess mood kind sort type lol haha yes yeah yep no nope ok okay sure cool great good ' +
    'nice awesome amazing love loved like liked enjoy enjoyed hate hated fan favorite favourite really pretty very ' +
    'also too well interested into hear heard sounds sound idea ideas tonight today weekend night evening currently ' +
    'im ive id dont didnt wasnt isnt havent cant couldnt wouldnt wont one ones lot lots stuff thing things bit bored boring ' +
    'surprise random whatever popular anything else more options other others different new ' +
    'u ur r ya yea yep yup oh ah hmm hm um uh lol haha hehe bye goodbye morning afternoon evening night tonight ' +
    'asking ask asked help helped helps give gave shot check checking checked titles title information info source ' +
    'glad happy sorry welcome wow definitely totally absolutely exactly probably actually especially specially ' +
    'favorites favourites faves fave thx ty ' +
    'either neither both those these them that this there here heard know knew remember tried try seen saw ' +
    'suggest suggested suggestions recommended recommendations list add added note noted mind fine alright ' +
    'daughter son wife husband kids girlfriend boyfriend friend friends family partner mom dad ' +
    'grand granddaughter grandson grandkids grandchildren niece nephew toddler toddlers take taking ' +
    // Chit-chat around the films, not about them: on the ReDial train seekers' turns these made wishes such as
    // "take care", "cheers", "thinking", "seems interesting", "you've given a couple" that the reply then quoted.
    'interesting care cared appreciate appreciated agree agreed chat chatting cheers cya ' +
    'anyways anyway thinking familiar reminder reminders reminded seems seem open example examples genre genres ' +
    'similar rewatch rewatched theater theaters theatre trailer trailers review reviews excited forward wait ' +
    'seeking searching search couple week weeks yesterday awhile forever ended wan wanna gonna worth tell write ' +
    'feel free message choices choice given cue met recently hoping mentioned wondering lines along taste course ' +
    'believe usually bet kinda favs ' +
    // "the third one looks good", "that sounds great": a reaction to a film, not a wish.
    'looks looked sounds sounded seemed show completely totally entirely we us our though although tonight weve were wed youve ' +
    'prefer prefers preferred rather instead ' +
    // "nothing with too much gore", "not too many jump scares": how much is refused, not what.
    'much many'
  ).split(' '),
)
/** Drawn-out interjections: "hmmm", "ummm", "ahh", "ohhh", "lool", "hahaha". */
const INTERJECTION_RE = /^(?:h+m+|u+m+|u+h+|a+h+|o+h+|l+o+l+|(?:ha)+h?|(?:he)+h?|e+r+m*|w+o+w+)$/
/** Someone's age ("my 7 year old", "a five-year-old", "16 yo"): who the film is for, not what it is about. */
const AGE_PHRASE_RE = new RegExp(
  `\\b(?:(?:\\d{1,2}|${AGE_WORDS.join('|')})[\\s-]*(?:years?|yrs?)[\\s-]*olds?|\\d{1,2}[\\s-]*yo)\\b`,
  'g',
)

/**
 * Talking to the other side ("nice talking to you", "talk to you later", "are you talking about …"), not a wish; the
 * words alone stay ("talking animals", "a dog that can talk").
 */
const TALK_CHAT = String.raw`(?:nice|fun|good|great|lovely|a pleasure|enjoyed|thanks for|thank you for) (?:talking|chatting)(?: (?:to|with) (?:you|me))?|talk (?:to you )?(?:later|soon)|(?:you'?re|you are|are you|we'?re|we are|i'?m|i am|we|you|i) (?:still )?(?:talking|talked|talk)(?: about)?|(?:want|like|love) to talk(?: about)?`

const fluffPhrases = perDomain(
  (w) =>
    new RegExp(
      `\\b(?:(?:i'?m|i am|we'?re|we are) (?:looking for|in the mood for|after|wanting|hoping for)|looking for|in the mood for|can you (?:recommend|suggest)|could you (?:recommend|suggest)|do you (?:have|know)(?: any)?|(?:have you |you |you'?ve )?got any|any (?:suggestions?|recommendations?|ideas)|what (?:would|do|can) you (?:recommend|suggest)|(?:what|which) (?:do|would|can|could) you have(?: for)?|what (?:can|could|should|would|do) (?:i|we) (?:use|run|install|try|get|play|read)(?: to| for)?|i (?:would|'d) like|i want(?: to (?:${w.base}))?|recommend me|i (?:don'?t|do not) know|(?:it )?(?:does ?n'?t|does not|do ?n'?t|do not) matter|not sure|i guess|i think|kind of|sort of|type of|how about|what about|(?:hi|hello|hey)(?: there)?|${TALK_CHAT})\\b`,
      'g',
    ),
)
const EDGE_STOP = new Set(
  "what's i and or but so the a an to of with for that who which is it was from in on at about by like as than some any whats what how need needs want wants would could should might will can may must shall my our your his her their we you he she they me us that's thats it's there's who's they're we're you're i'm".split(
    ' ',
  ),
)
function trimStopEdges(phrase: string): string {
  const words = phrase.split(/\s+/).filter(Boolean)
  while (words.length && EDGE_STOP.has(words[0]!.toLowerCase())) words.shift()
  while (words.length && EDGE_STOP.has(words[words.length - 1]!.toLowerCase())) words.pop()
  return words.join(' ')
}

/**
 * Free-text wishes: what is left of each clause once titles, references, names, eras and control words are
 * consumed, with chit-chat and category names alone dropped. Wished-for text joins into one preference, refused
 * text into another with a negative weight.
 */
export function readWishes(state: UtteranceState, { words: domain }: PassEnv): UtteranceState {
  const findings = copyFindings(state.findings)
  const view = visible(state)
  const positive: ClauseWish[] = []
  const negative: ClauseWish[] = []
  state.clauses.forEach((clause, c) => {
    const reading = state.readings[c]!
    const words = view.slice(clause.start, clause.end)
    // A question about the film ("does he go to war?") is not a wish either.
    if (reading.asksAboutIt || INSTRUCTION_RE.test(words) || QUESTION_TO_HELPER_RE.test(words.trim())) return
    const refused = reading.neg || reading.carried || refusedBefore(words, domain)
    // What is refused, without the words refusing it ("tired of superhero movies" refuses "superhero").
    const said = {
      words: refused ? withoutRefusal(words) : words,
      topicAt: state.topicAt[c],
      wishSpans: state.wishSpans[c] ?? [],
      audienceSpans: state.audienceSpans[c] ?? [],
    }
    const kinds = {
      names: state.categoryWords[c] ?? new Set<string>(),
      filters: state.filterWords[c] ?? new Set<string>(),
      asked: state.askedWords[c] ?? new Set<string>(),
    }
    const wish = wishOf(said, kinds, domain)
    if (wish) (refused ? negative : positive).push(wish)
  })
  if (positive.length)
    findings.preferences.push({ ...joinedWish(positive, 1), ...(contrastsAnchor(state) ? { contrast: true } : {}) })
  if (negative.length) findings.preferences.push(joinedWish(negative, -0.6))
  return { ...state, findings }
}

/**
 * The wish of one clause, and the words of it naming a category asked for ("thriller" of "political thriller",
 * "animated"): the category filter carries them, so they do not drive the wish's lexical evidence. A word that only
 * suggests a category ("funny", "space") says more than the filter and stays evidence.
 */
interface ClauseWish {
  text: string
  filtered: string[]
}

/** A match as spaces of its length, so offsets still match the text. */
const blankOut = (m: string) => ' '.repeat(m.length)
const REFUSAL_GLOBAL_RE = new RegExp(NEGATOR_RE.source, 'g')
/** A clause with its refusing words blanked out, offsets kept ("tired of", "not a fan of" → spaces). */
function withoutRefusal(words: string): string {
  return words.replace(REFUSAL_GLOBAL_RE, blankOut)
}

/**
 * Whether the message changes a title it is asked beside: "but" after a title the person wants more like, in the
 * same sentence ("like Jaws but with a different animal", "a time loop like Groundhog Day but not a comedy").
 */
function contrastsAnchor(state: UtteranceState): boolean {
  return state.findings.mentions.some(({ mention, action }) => {
    if (action !== 'anchor') return false
    const rest = state.lower.slice(mention.end)
    return /\bbut\b/.test(rest.slice(0, rest.search(/[.!?]|$/)))
  })
}

/** The clauses' wishes as one preference, with the filtered words when there are any. */
function joinedWish(wishes: readonly ClauseWish[], weight: number): Understanding['preferences'][number] {
  const filtered = [...new Set(wishes.flatMap((w) => w.filtered))]
  return { text: wishes.map((w) => w.text).join(', '), weight, ...(filtered.length ? { filtered } : {}) }
}

/** Words that end the subject of a story ("a movie about a dog that is lost", "something about it was off"). */
const SUBJECT_END = new Set('is was were are isnt wasnt arent werent just that which who where when but'.split(' '))
/** Pointing words: "anything about that one" has no subject. */
const POINTERS = new Set('one ones it its that this those these them they thing things stuff'.split(' '))
/** How many words a subject runs to at most ("about first love", "about a road trip across America"). */
const MAX_SUBJECT_WORDS = 6

/**
 * The words naming the subject of a story after "about": up to a verb or a relative word, at most a few words, without
 * stop words, pointers or the item nouns. Common words count there ("first love"), unlike elsewhere in a wish.
 */
function subjectTokens(tokens: readonly Token[], topicAt: number | undefined, domain: DomainWords): Set<Token> {
  const out = new Set<Token>()
  if (topicAt === undefined) return out
  const after = tokens.filter((t) => t.start >= topicAt)
  for (const t of after.slice(0, MAX_SUBJECT_WORDS)) {
    if (SUBJECT_END.has(t.norm)) break
    if (!EDGE_STOP.has(t.norm) && !POINTERS.has(t.norm) && !domain.nouns.has(t.norm)) out.add(t)
  }
  return out
}

/**
 * The kind of film asked for before the subject of a story and the words joining them ("a drama about a big
 * family", "a psychological horror about a haunted house", "a scary movie about clowns"): the category filter carries
 * the kind, in its name or a word suggesting it, so the wish is the subject (with any other words before it), not
 * "drama about a big family" or "scary about clowns".
 */
function kindBeforeSubject(tokens: readonly Token[], subject: ReadonlySet<Token>, kindWords: ReadonlySet<string>): Set<Token> {
  const out = new Set<Token>()
  const subjectAt = tokens.findIndex((t) => subject.has(t))
  if (subjectAt < 0) return out
  const lastKind = tokens.slice(0, subjectAt).findLastIndex((t) => kindWords.has(t.norm))
  if (lastKind < 0) return out
  tokens.slice(0, subjectAt).forEach((t, i) => {
    if (i >= lastKind || kindWords.has(t.norm)) out.add(t)
  })
  return out
}

/** Where the clause says a phrase of the profile's search words. */
function searchPhraseSpans(words: string, domain: DomainWords): Range[] {
  if (!domain.searchPhrases) return []
  return [...words.matchAll(domain.searchPhrases)].map((m) => [m.index, m.index + m[0].length] as const)
}

/**
 * The wish in what is left of a clause (lower-cased: the query embedder reads case, and the valid replay lost two
 * hits at R@10 when wishes kept it), or '' when nothing but chit-chat, numbers or
 * category names is left. The subject of a story ("a movie about first love") is kept whole, common words and all.
 */
function wishOf(
  said: { words: string; topicAt: number | undefined; wishSpans: readonly Range[]; audienceSpans: readonly Range[] },
  kinds: { names: ReadonlySet<string>; filters: ReadonlySet<string>; asked: ReadonlySet<string> },
  domain: DomainWords,
): ClauseWish | undefined {
  const categoryWords = kinds.names
  const residual = blank(said.words, said.audienceSpans).replace(AGE_PHRASE_RE, blankOut).replace(fluffPhrases(domain), blankOut)
  const fluff = (norm: string) => (FLUFF.has(norm) && !domain.wishWords.has(norm)) || domain.fluff.has(norm)
  const tokens = tokenize(residual)
  const subject = subjectTokens(tokens, said.topicAt, domain)
  // Category words said as part of the story ("someone's kid gets abducted") count with it, and so do the words
  // of a phrase the catalogue has its own words for ("hardly any dialogue").
  const spans = [...said.wishSpans, ...searchPhraseSpans(residual, domain)]
  const inTopic = (t: Token) => subject.has(t) || spans.some(([s, e]) => t.start >= s && t.end <= e)
  // A wish needs a content word: chit-chat leftovers ("u", "fo", "hmmm", "lol") do not make one, and neither do
  // category words alone ("horror please"), which the category filter already carries: as text they would only
  // rank the category's items by how much their descriptions resemble the word. With another word they stay,
  // for context ("psychological horror").
  const content = tokens.filter(
    (t) =>
      (inTopic(t) ||
        ((!COMMON_WORDS.has(t.norm) || TOPIC_WORDS.has(t.norm) || domain.wishWords.has(t.norm)) && !fluff(t.norm))) &&
      !categoryWords.has(t.norm) &&
      !/^\d+$/.test(t.norm) &&
      t.norm.length >= (inTopic(t) ? 2 : 3) &&
      !INTERJECTION_RE.test(t.norm) &&
      t.norm.length <= MAX_WORD_CHARS,
  )
  if (!content.length) return undefined
  const kind = kindBeforeSubject(tokens, subject, new Set([...categoryWords, ...kinds.asked]))
  const kept = tokens.filter(
    (t) => (inTopic(t) || !fluff(t.norm)) && !kind.has(t) && !NEGATOR_WORDS.has(t.norm) && t.norm.length <= MAX_WORD_CHARS,
  )
  const text = clipWords(trimStopEdges(kept.map((t) => said.words.slice(t.start, t.end)).join(' ')), MAX_PREFERENCE_CHARS, '')
  if (!text) return undefined
  const filtered = [...new Set(kept.filter((t) => kinds.filters.has(t.norm) && !inTopic(t)).map((t) => t.norm))]
  return { text, filtered }
}
