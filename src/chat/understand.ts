import { clipWords, type ItemId } from '../core/index.ts'
import type { PendingClarification } from '../store/index.ts'
import { AGE_WORDS, type CategoryLexicon } from './categories.ts'
import { COMMON_WORDS, sanitizeUtterance, TOPIC_WORDS, tokenize } from './text.ts'
import type { TitleIndex, TitleMention } from './title-index.ts'

/** What a person does with an item they name or point at. */
export type ItemAction = 'like' | 'dislike' | 'seen' | 'unseen' | 'anchor' | 'reject'

export interface UnderstandContext {
  /** Items of the last reply, in displayed order ("the second one"). */
  lastShown: readonly ItemId[]
  /** The item last talked about ("more like that"). */
  focus?: ItemId
  pending?: PendingClarification
  /** Year of an item, for "the 1979 one" and relative critiques ("older"). */
  yearOf: (id: ItemId) => number | undefined
  /** Newest year in the catalogue ("recent" means the last few years of it). */
  maxYear: number
  /** Whether the catalogue has a numeric `runtime` field (minutes), for "nothing too long". */
  hasRuntime: boolean
  /**
   * Whether any item's text (title, description, tags) names this person: "anything with Clint Eastwood" is then a
   * wish like any other; otherwise the name is set aside (`unknownPeople`). Absent: every name counts as known.
   */
  knowsName?: (name: string) => boolean
}

export interface Understanding {
  /** The utterance after sanitising (control characters stripped, length capped). */
  text: string
  intent: 'empty' | 'greeting' | 'help' | 'thanks' | 'reset' | 'request' | 'about'
  /** With intent `about` ("what's it about?", "tell me about the second one"): the film asked about, if clear. */
  about?: ItemId
  /** Start over before applying the rest. */
  reset: boolean
  /** Drop every hard filter (categories, era, runtime). */
  dropFilters: boolean
  /**
   * A change of direction ("something completely different", "a change of pace"): the filters, wishes and pulls of
   * the conversation so far go; likes, dislikes and what was shown stay. Implies `dropFilters`.
   */
  changeDirection: boolean
  mentions: { mention: TitleMention; action: ItemAction }[]
  /** Items pointed at through the last reply or the focus ("the second one", "that one"). */
  references: { itemId: ItemId; action: ItemAction }[]
  /** The answer to a pending clarifying question, when this message gives it. */
  clarified?: ItemId
  include: string[]
  /**
   * Category words said together ("a romantic comedy", "a funny space movie"): the item should be all of them,
   * one group per word (each met by any of its categories). Set only when they are the message's only request.
   */
  includeAll?: string[][]
  exclude: string[]
  /** Categories no longer required ("it doesn't have to be action"): out of the filter, not refused. */
  release?: string[]
  /** Whether the new includes add to earlier ones ("also", "too") instead of replacing them. */
  includeAdds: boolean
  era?: { min?: number; max?: number }
  runtimeMax?: number
  /** A length limit was asked for but the catalogue has no running times. */
  runtimeIgnored?: boolean
  /** People asked for ("starring Jeff Goldblum") whom no item's text names: not a wish, and the reply says so. */
  unknownPeople?: string[]
  /**
   * People and places asked for by name whom some item's text names ("anything with Tom Hanks", "set in Paris"): the
   * films that name them answer, not a wish.
   */
  names?: string[]
  /** Free-text wishes and critiques, with their signs. */
  preferences: { text: string; weight: number }[]
}

type Range = [number, number]

/** No real word is longer; longer runs are noise (or an attack) and never reach the query. */
const MAX_WORD_CHARS = 30
/** A stated preference is quoted back in replies: keep it short. */
const MAX_PREFERENCE_CHARS = 80

const ORD: Record<string, number> = {
  first: 0,
  '1st': 0,
  second: 1,
  '2nd': 1,
  third: 2,
  '3rd': 2,
  fourth: 3,
  '4th': 3,
  fifth: 4,
  '5th': 4,
  sixth: 5,
  '6th': 5,
  seventh: 6,
  '7th': 6,
  eighth: 7,
  '8th': 7,
  ninth: 8,
  '9th': 8,
  tenth: 9,
  '10th': 9,
  last: -1,
}
const ORD_ALT = Object.keys(ORD).join('|')
const NOUN = '(?:one|movie|film|pick|option|suggestion|title|item)'

const RESET_RE =
  /\b(?:start (?:over|again|afresh|from scratch)|reset|restart|forget (?:everything|all (?:of )?(?:that|this|it)|it all|what i said)|clear (?:everything|all|my (?:preferences|history))|new search|from scratch)\b/g
const DROP_FILTERS_RE =
  /\b(?:drop|remove|clear|forget|reset|lose|no more|ignore) (?:the |all |my |those |these |any )?(?:filters?|constraints?|restrictions?|limits?)\b/g
const CHANGE_DIRECTION_RE =
  /\b(?:something (?:(?:completely|totally|entirely|very|really|quite) )?(?:different(?! (?:from|than|to)\b)|else entirely)|(?:a )?change of (?:pace|scenery)|switch (?:it|things) up|change (?:it|things) up|(?:a )?different direction)\b/g
const FEEL_GOOD_RE = /\b(?:feel ?good|feel-good|uplifting|heartwarming|heart warming|wholesome|cheer me up)\b/
const NOT_BEFORE_RE =
  /\b(?:not|no|nah|never|except|but not|any ?thing but|other than|apart from|aren'?t|isn'?t|no more|without)\s*(?:,\s*)?(?:(?:any|other|more|another)\s+)*(?:the\s+)?$/

/** Clause-level sentiment cues. Order matters: negative beats unseen beats positive beats seen. */
const NEG_RE =
  /\b(?:hate[sd]?|hating|boring|bored|awful|terrible|horrible|worst|overrated|over rated|disliked?|dislikes|meh|suck(?:ed|s)?|stupid|lame|dumb|annoying|disappointing|disappointed|(?:could ?n[o']?t|can ?n?[o']?t) stand|not (?:a|really a|much of a|the biggest|a big|a huge|that much of a) fan|was ?n[o']?t (?:a|really a|much of a) fan|not (?:really )?into|not for me|fell asleep|waste of time|not (?:my|really my) (?:thing|cup of tea|style|type|taste|genre)|was ?n[o']?t (?:great|good|that good|very good|impressed)|did ?n[o']?t (?:really )?(?:like|love|enjoy|care for|get)|do ?n[o']?t (?:really )?(?:like|love|enjoy|want|care (?:much |too much )?for|need)|does ?n[o']?t (?:really )?(?:like|love|enjoy|want|care (?:much |too much )?for|appeal|interest)|not (?:big|huge|crazy) (?:on|about)|never (?:liked|cared)|no thanks|not interested|too (?:long|slow|violent|scary|gory|sappy|cheesy|boring|sad|dark|silly))\b/
const UNSEEN_RE =
  /\b(?:have ?n[o']?t (?:seen|watched|heard of)|have not (?:seen|watched)|never (?:seen|watched|saw|heard of)|not seen|did ?n[o']?t see|not (?:yet )?watched|not yet seen|have yet to (?:see|watch)|(?:want|wanna|going|plan|planning|need) to (?:see|watch)|heard (?:good |great )?(?:things|of it|about it)|^\W*no\W+i (?:have ?n[o']?t|have not)\b)\b/
const POS_RE =
  /\b(?:lov(?:e|ed|es|ing)|lik(?:e|ed|es)|enjoy(?:ed|s)?|favou?rites?|fan of|great|amazing|awesome|good|best|fantastic|excellent|brilliant|masterpiece|wonderful|incredible|fun|adored?|into|cool|hilarious|perfect|beautiful|classic|similar|reminds? me|the likes of|such as)\b/
/** The item of a pronoun that points at nothing shown; it counts only if a title said before it gives it one. */
const UNRESOLVED = ''
const ASKS_HELPER_SEEN_RE = /\b(?:have|did|do) you (?:ever )?(?:seen|see|watched|watch|heard of|know)\b/
const SEEN_RE = /\b(?:seen|saw|watched|already|yes,? i (?:have|did))\b/
const PRONOUN = '(?:it|that|this|both(?: of (?:them|those))?|them(?: both| all)?|those|these|all of (?:them|those))'
/** A pronoun pointing at what was shown, after a verb of watching or liking, or opening a clause that describes it. */
const REACTION_RE = new RegExp(
  `\\b(?:(?:seen|saw|watched|watch|see|lov(?:e|ed|es)|lik(?:e|ed|es)|enjoyed|hated?|disliked?|adored?|check(?:ed)? out) ${PRONOUN}(?! (?:is|was|one|movie|film|kind|type|sort)\\b)|(?:^|(?<=[.!?,;]\\s*))(?:(?:yes|yeah|yep|oh|ok|okay|wow)\\W+)*(?:it|that|this|those|they|both(?: of them)?)(?= ?(?:'s|is|was|were|are|sounds?|looks?|seems?)\\b)|(?:^|(?<=[.!?,;]\\s*))(?:yes|yeah|yep),? i (?:have|did)\\b|(?:^|(?<=[.!?,;]\\s*))no,? i (?:have ?n[o']?t|have not|did ?n[o']?t)\\b)`,
  'g',
)
/**
 * A clause that describes one film rather than asks for something ("I thought that one was funny", "The Ring was
 * scary", "is it a fantasy?"): its category words say what the film is, so they set no filter. Titles in the clause
 * are read as "it" first.
 */
const DESCRIBES_RE =
  /^\W*(?:(?:oh|yes|yeah|yep|and|well|ok|okay|haha|lol|so|but|also|plus|though)\b\W*)*(?:i (?:think|thought|heard|felt|guess|found|bet|hear)(?: that)? |i'?m sure )?(?:it|its|it's|that|thats|that's|that one|that movie|that film|this|this one|this movie|this film|those|these|they|he|she|his (?:movies|films)|her (?:movies|films)|the (?:trailers?|sequel|ending|original|first one|second one|last one|book))\s*(?:is|was|were|are|'s|s|'re|re|looks?|looked|sounds?|sounded|seems?|seemed|felt|gets?|got|has been|had been|isn'?t|wasn'?t|can be|could be|might be|would be)\b/
/** A request in the same breath ("yes it is, can you suggest some action?") keeps the clause a request. */
const REQUEST_CUE_RE =
  /\b(?:suggest|recommend|recommendations?|looking for|look for|want|wanna|need|in the mood|prefer|please|any|something|anything)\b/
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
/** "It doesn't have to be action", "not necessarily a comedy": the category stops being required. */
const RELEASE_BEFORE_RE =
  /\b(?:(?:(?:does|do|did)(?: not|n'?t)|dont|doesnt|didnt) (?:have|need|got) to be|(?:needn'?t|need not) be|not necessarily|(?:does|do)(?: not|n'?t) matter if it'?s)\s+(?:(?:an?|the)\s+)?(?:\S+\s+)?$/
/**
 * Before "like X": a refusal of films like it ("I'm not looking for something like", "nothing like"). A bare "no" answers
 * a question and "isn't there something like" asks.
 */
const REFUSED_ANCHOR_RE =
  /\b(?:not|don'?t|dont|do not|never)\s+(?:really\s+)?(?:looking for|want(?:ing)?|in the mood for|after|interested in|into|need)\b|\b(?:nothing|rather not|any ?thing but|other than)\b/
/** When a film is set ("set in the 1920s", "takes place in 1944"): a wish about its story, not when it was made. */
const SETTING_BEFORE_RE =
  /\b(?:set|settings?|takes? place|taking place|happens?|happening|period piece|historical)(?:\s+(?:in|during|of|from|around))?\s+(?:the\s+)?(?:(?:early|mid|late)[\s-]+)?$/
const NEGATOR_RE =
  /\b(?:no|not|nothing|none|without|dont|don't|do not|never|avoid|except|hate[sd]?|dislike[sd]?|any ?thing but|other than|apart from|isnt|isn't|no more|skip|exclude|minus|rather not|wouldn't|wouldnt|nor|tired of|sick of|fed up with)\b/
const NEG_ALL_RE = new RegExp(NEG_RE.source, 'g')
/** How far after a category word a dislike still refers to it ("horror movies are just boring"). */
const DISLIKE_AFTER_CHARS = 30
/** Not having watched a film refuses nothing: "never saw that one, I heard it was scary" ("I don't watch horror" does). */
const UNWATCHED_RE =
  /\b(?:never|not|haven'?t|have not|hasn'?t|has not|didn'?t|did not|havent|didnt)\s+(?:yet\s+|ever\s+|even\s+)?(?:seen|saw|watched|heard of)\b/g
/** A clause opening with not having watched the film ("never saw that one", "I haven't seen it yet"). */
const UNWATCHED_IT_RE = new RegExp(
  `^\\W*(?:i\\s+)?${UNWATCHED_RE.source}\\s+(?:it|that|this)(?:\\s+(?:one|movie|film))?(?:\\s+(?:yet|before))?\\W*`,
)
/** Hedges, not refusals: "I don't know, maybe something funny" asks for comedy. */
const HEDGE_RE = /\b(?:i )?(?:don'?t|dont|do not) know\b|\bnot sure\b|\bno idea\b/g

/**
 * Whether the words before a category or era word in its clause refuse it: a negator ("no", "not a fan of",
 * "tired of") or a dislike ("hate", "can't stand"), hedges aside. Categories and eras read refusals the same
 * way, and only within their clause: "I hate horror, something recent" asks for recent films.
 */
function refusedBefore(prefix: string): boolean {
  const p = prefix.replace(HEDGE_RE, ' ').replace(UNWATCHED_RE, ' ')
  return NEGATOR_RE.test(p) || NEG_RE.test(p)
}

/** Comparative critiques: what they add to the query. Relative era and runtime are handled separately. */
const CRITIQUES: { re: RegExp; prefs: { text: string; weight: number }[] }[] = [
  {
    re: /\b(?:funnier|more (?:funny|fun|humou?r|comedy|comedic|lighthearted|light hearted|upbeat|cheerful)|lighter|happier|less (?:serious|dark|depressing|sad|heavy|grim)|feel ?good|feel-good)\b/g,
    prefs: [
      { text: 'funny lighthearted feel-good comedy', weight: 1 },
      { text: 'dark depressing grim', weight: -0.5 },
    ],
  },
  {
    re: /\b(?:darker|grittier|grimmer|bleaker|more (?:serious|gritty|intense|mature|dark|disturbing)|less (?:funny|silly|goofy|light|lighthearted|childish))\b/g,
    prefs: [
      { text: 'dark gritty serious', weight: 1 },
      { text: 'silly lighthearted comedy', weight: -0.5 },
    ],
  },
  {
    re: /\b(?:less (?:violent|violence|gory|gore|bloody|brutal|graphic|action)|(?:not|nothing|aren'?t|isn'?t|without being) (?:so |too |as |very |overly |that )?(?:violent|gory|bloody|brutal|graphic)|gentler|softer|tamer|no violence|non ?violent|nonviolent)\b/g,
    prefs: [{ text: 'violent gory brutal bloody', weight: -1 }],
  },
  {
    re: /\b(?:more (?:violent|violence|action|exciting|thrilling|explosions|gore|gory|fights|fighting)|gorier|bloodier|more of an? action)\b/g,
    prefs: [{ text: 'action-packed exciting violent', weight: 1 }],
  },
  {
    re: /\b(?:scarier|creepier|more (?:scary|creepy|frightening|horror|terrifying|suspense|suspenseful))\b/g,
    prefs: [{ text: 'scary horror terrifying', weight: 1 }],
  },
  {
    re: /\b(?:less (?:scary|creepy|frightening|horror|terrifying|intense)|not (?:so|too|as) (?:scary|creepy|intense|frightening))\b/g,
    prefs: [{ text: 'scary horror terrifying', weight: -1 }],
  },
  { re: /\b(?:more (?:romantic|romance|love))\b/g, prefs: [{ text: 'romantic love story', weight: 1 }] },
  {
    re: /\b(?:less (?:romantic|romance|sappy|cheesy|mushy|sentimental)|not (?:so|too|as) (?:sappy|cheesy|romantic))\b/g,
    prefs: [{ text: 'sappy romance love story', weight: -1 }],
  },
  {
    re: /\b(?:sadder|more (?:emotional|moving|touching|heartfelt|sad))\b/g,
    prefs: [{ text: 'emotional moving heartfelt', weight: 1 }],
  },
  {
    re: /\b(?:smarter|cleverer|deeper|more (?:thoughtful|cerebral|clever|intelligent|thought provoking|philosophical|complex))\b/g,
    prefs: [{ text: 'smart thought-provoking clever', weight: 1 }],
  },
  {
    re: /\b(?:weirder|stranger|quirkier|more (?:surreal|bizarre|unusual|quirky|original|offbeat|weird|strange))\b/g,
    prefs: [{ text: 'weird surreal quirky offbeat', weight: 1 }],
  },
  {
    re: /\b(?:more (?:family|kid|child) ?friendly|more for (?:kids|children|the family)|less (?:adult|mature|explicit))\b/g,
    prefs: [{ text: 'family friendly for kids', weight: 1 }],
  },
]

const RECENT_REL_RE = /\b(?:more (?:recent|modern|current|up to date)|newer|less old|something new(?:er)?)\b/g
const RECENT_ABS_RE =
  /\b(?:recent(?:ly released)?(?: (?:ones?|movies?|films?|stuff|releases?))?|latest(?= (?:movies?|films?|ones|releases?|stuff)\b|\s*(?:[.!?,;]|$))|new (?:releases?|movies?|films?|ones|stuff)|(?:modern|current|contemporary) (?:movies?|films?|ones|stuff)|this year|(?:last|past) (?:(?:few|couple(?: of)?|several|\d|two|three|four|five) )?years?|(?:last|past) decade)\b/g
const OLDER_REL_RE = /\b(?:older|less (?:recent|new|modern)|something old(?:er)?)\b/g
/** The canon ("classics", "golden age"): before 1980. */
const CLASSIC_RE = /\b(?:classics|classic (?:movies?|films?|ones|stuff|hollywood)|golden age|black and white|oldies)\b/g
/** Merely old ("old school action", "old movies"): before 1990, as people say it of the 80s too. */
const OLD_RE = /\b(?:old(?: |-)?school|old (?:movies?|films?|ones|stuff))\b/g
const RUNTIME_RE =
  /\b(?:shorter|less long|(?:not|nothing) (?:too |that |very |overly )?long|short (?:ones?|movies?|films?|one)|something short|quick (?:watch|one)|under (\d+(?:\.\d+)?) ?(min(?:ute)?s?|hours?|hrs?|h))\b/g
const DECADE_WORDS: Record<string, number> = {
  twenties: 1920,
  thirties: 1930,
  forties: 1940,
  fifties: 1950,
  sixties: 1960,
  seventies: 1970,
  eighties: 1980,
  nineties: 1990,
  'two thousands': 2000,
  noughties: 2000,
}
const DECADE_RE =
  /\b(?:(early|late|mid) ?-?)?(?:'?(\d0)[’']?s|(19\d0|20\d0)[’']?s|(twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties|noughties|two thousands))\b/g
const YEAR_RANGE_RE = /\b(?:between|from) ((?:19|20)\d\d) (?:and|to|-|till|until) ((?:19|20)\d\d)\b/g
const YEAR_AFTER_RE =
  /\b(after|since|post|newer than|later than|from) ((?:19|20)\d\d)( on(?:wards?)?| and (?:later|after|newer)| or (?:later|newer))?\b/g
const YEAR_BEFORE_RE = /\b(before|pre|prior to|until|up to|older than|earlier than) ((?:19|20)\d\d)\b/g
const YEAR_IN_RE = /\b(?:in|of|released in|made in|year) ((?:19|20)\d\d)\b/g

/** Text addressed to the machine rather than a wish ("ignore previous instructions"): never becomes a query. */
const INSTRUCTION_RE =
  /\b(?:(?:ignore|disregard|forget|override) (?:all |any |the |your |my )*(?:previous |prior |above |earlier |system )?(?:instructions?|prompts?|rules|directions)|system prompt|(?:you are|you're) now|act as|pretend (?:to be|you)|jailbreak|developer mode|(?:api|secret) keys?|passwords?|configuration|config|environment variables?|reveal|print your|role\W{0,4}system)\b/
/**
 * Questions to the other side ("have you seen it?", "what is it about?") are not wishes; "what about something with
 * dinosaurs?" and "what's a good movie about food?" ask for films.
 */
const QUESTION_TO_HELPER_RE =
  /^(?!(?:what|how) about\b|what(?:'s| is| are) (?:a|an|some|any)\b)(?:have you|did you|do you|what|which|who|whats|is it|is that|was it|are you|how|where|when|why|would you|can you tell)\b/
const NEGATOR_WORDS = new Set('no not nothing none without dont never avoid except please nor'.split(' '))
const GREETING_WORDS = new Set(
  'hi hello hey hiya howdy yo hola greetings sup whats up there good morning afternoon evening how are you doing today im fine and concierge bot well nice to meet'.split(
    ' ',
  ),
)
const THANKS_WORDS = new Set(
  'thanks thank you thx ty so much a lot great cool ok okay awesome perfect bye goodbye see ya later will watch check it out them those that sounds good nice sure yes yeah yep alright i ill im gonna going to try give shot definitely'.split(
    ' ',
  ),
)
/** Asking what a film is ("what's it about?", "what is Inception about?", "tell me more about the second one"). */
const ABOUT_RE =
  /^\W*(?:(?:ok(?:ay)?|so|and|hmm+|cool|nice|oh)\W+)?(?:what(?:'s|s| is| was)\b.{0,80}\babout|tell me (?:a bit |a little |some(?:thing)? |more )*about\b.{0,80}|what happens in\b.{0,80}|what(?:'s| is) the (?:plot|story|premise)\b.{0,80}|(?:what kind of|what sort of|what type of) (?:movie|film) is (?:it|that|this)\b)\W*$/
const HELP_RE =
  /^(?:help|\?+|what can you do|what do you do|how does (?:this|it) work|how do i use (?:this|you)|commands|what are my options|who are you|what are you)\W*$/

/** Words that carry no wish on their own; a clause made only of these (and common words) adds no preference. */
const FLUFF = new Set(
  (
    'hi hello hey thanks thank please recommend recommendation recommendations suggest suggestion suggestions suggesting ' +
    'looking look find watch watching watched seen see saw movie movies film films flick flicks something anything ' +
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
    'interesting care cared appreciate appreciated agree agreed chat chatting talk talking talked cheers cya ' +
    'anyways anyway thinking familiar reminder reminders reminded seems seem open example examples genre genres ' +
    'similar rewatch rewatched theater theaters theatre trailer trailers review reviews excited forward wait ' +
    'seeking searching search couple week weeks yesterday awhile forever ended wan wanna gonna worth tell write ' +
    'feel free message choices choice given cue met recently hoping mentioned wondering lines along taste course ' +
    'believe usually bet kinda favs ' +
    // "the third one looks good", "that sounds great": a reaction to a film, not a wish.
    'looks looked sounds sounded seemed show completely totally entirely we us our though although tonight weve were wed youve ' +
    'prefer prefers preferred rather instead'
  ).split(' '),
)
/** Drawn-out interjections: "hmmm", "ummm", "ahh", "ohhh", "lool", "hahaha". */
const INTERJECTION_RE = /^(?:h+m+|u+m+|u+h+|a+h+|o+h+|l+o+l+|(?:ha)+h?|(?:he)+h?|e+r+m*|w+o+w+)$/

/** Two or three capitalised words: a person's name when a cue such as "starring" comes right before. */
const PERSON_NAME_RE = /(?<![\p{L}\p{N}])\p{Lu}[\p{Ll}'’-]+(?: \p{Lu}[\p{Ll}'’-]+){1,2}(?![\p{L}\p{N}])/gu
/** One to three capitalised words after a place cue. */
const PLACE_NAME_RE = /(?<![\p{L}\p{N}])\p{Lu}[\p{Ll}'’-]+(?: \p{Lu}[\p{Ll}'’-]+){0,2}(?![\p{L}\p{N}])/gu
const PLACE_CUE_RE = /\b(?:set in|takes? place in|taking place in|happens in|happening in|located in|based in)\s+$/
const PERSON_CUE_RE =
  /\b(?:with|starring|stars?|featuring|feat\.?|by|directed by|actors?|actress|directors?|(?:movies?|films?) of)\s+$/

/** Someone's age ("my 7 year old", "a five-year-old", "16 yo"): who the film is for, not what it is about. */
const AGE_PHRASE_RE = new RegExp(
  `\\b(?:(?:\\d{1,2}|${AGE_WORDS.join('|')})[\\s-]*(?:years?|yrs?)[\\s-]*olds?|\\d{1,2}[\\s-]*yo)\\b`,
  'g',
)

const FLUFF_PHRASES =
  /\b(?:(?:i'?m|i am|we'?re|we are) (?:looking for|in the mood for|after|wanting|hoping for)|looking for|in the mood for|can you (?:recommend|suggest)|could you (?:recommend|suggest)|do you (?:have|know)(?: any)?|any (?:suggestions?|recommendations?|ideas)|what (?:would|do|can) you (?:recommend|suggest)|i (?:would|'d) like|i want(?: to (?:watch|see))?|recommend me|i (?:don'?t|do not) know|not sure|i guess|i think|kind of|sort of|type of|how about|what about|(?:hi|hello|hey)(?: there)?)\b/g

/**
 * Understands one message without any LLM: titles (fuzzy, year-tolerant), likes and dislikes, categories in and
 * out, eras, runtime, references to the last reply, critiques, reset, greetings. Pure and fast.
 */
export function understand(input: string, ctx: UnderstandContext, titles: TitleIndex, lexicon: CategoryLexicon): Understanding {
  const text = sanitizeUtterance(input)
  const out: Understanding = {
    text,
    intent: 'request',
    reset: false,
    dropFilters: false,
    changeDirection: false,
    mentions: [],
    references: [],
    include: [],
    exclude: [],
    includeAdds: false,
    preferences: [],
  }
  if (!text) {
    out.intent = 'empty'
    return out
  }
  const lower = lowerSameLength(text)
  const masked: Range[] = []
  const view = () => blank(lower, masked)
  const take = (re: RegExp, fn: (m: RegExpExecArray) => unknown) => {
    const source = view()
    re.lastIndex = 0
    for (const m of source.matchAll(re)) {
      if (fn(m as RegExpExecArray) !== false) masked.push([m.index!, m.index! + m[0].length])
    }
  }

  take(RESET_RE, () => {
    out.reset = true
    return true
  })
  take(DROP_FILTERS_RE, () => {
    out.dropFilters = true
    return true
  })
  take(CHANGE_DIRECTION_RE, () => {
    out.changeDirection = true
    out.dropFilters = true
    return true
  })

  // References to the last reply or to the options of a pending question.
  const options = ctx.pending?.candidates ?? ctx.lastShown
  const refs: {
    start: number
    end: number
    itemId: ItemId
    fromPending: boolean
    similar?: boolean
    pronoun?: boolean
    /** "that one", "more like this": re-pointed once titles are found. */
    demonstrative?: boolean
  }[] = []
  const pickAt = (index: number) => (index < 0 ? options[options.length + index] : options[index])
  if (options.length) {
    take(/(?:#|\b(?:number|no\.?|nr\.?|option|pick) ?)(\d{1,2})\b/g, (m) => {
      const id = pickAt(Number(m[1]) - 1)
      if (id === undefined) return false
      refs.push({ start: m.index, end: m.index + m[0].length, itemId: id, fromPending: Boolean(ctx.pending) })
      return true
    })
    // "The last few years", "the first time" are not items.
    const notItem = '(?! (?:few|couple|several|years?|decades?|months?|weeks?|time|times|night|\\d+)\\b)'
    take(new RegExp(`\\b(?:the (${ORD_ALT})${notItem}(?: ${NOUN})?|(${ORD_ALT}) ${NOUN})\\b`, 'g'), (m) => {
      const word = (m[1] ?? m[2])!
      const id = pickAt(ORD[word]!)
      if (id === undefined) return false
      refs.push({ start: m.index, end: m.index + m[0].length, itemId: id, fromPending: Boolean(ctx.pending) })
      return true
    })
  }
  if (ctx.pending) {
    // "the 1979 one", "the original", "the remake".
    take(/\b(?:the )?((?:19|20)\d\d)(?: one| version)?\b/g, (m) => {
      const id = ctx.pending!.candidates.find((c) => ctx.yearOf(c) === Number(m[1]))
      if (!id) return false
      refs.push({ start: m.index, end: m.index + m[0].length, itemId: id, fromPending: true })
      return true
    })
    take(/\b(?:the )?(original|older one|old one|first version|remake|newer one|new one|recent one|latest one)\b/g, (m) => {
      const byYear = [...ctx.pending!.candidates].sort((a, b) => (ctx.yearOf(a) ?? 0) - (ctx.yearOf(b) ?? 0))
      const oldest = /original|old|first/.test(m[1]!)
      const id = oldest ? byYear[0] : byYear[byYear.length - 1]
      if (!id) return false
      refs.push({ start: m.index, end: m.index + m[0].length, itemId: id, fromPending: true })
      return true
    })
  }
  const focus = ctx.focus ?? ctx.lastShown[0]
  let likeAllShown = false
  if (focus !== undefined) {
    take(
      /\b(?:(?:more|something|anything|some(?:thing)?s?) like (?:that|this|it|that one|this one)|similar (?:ones|movies|films|stuff)|something similar|more of (?:that|the same)|like that one|that one|this one|that movie|that film|this movie|this film)\b/g,
      (m) => {
        const similar = /like|similar|more of/.test(m[0])
        refs.push({ start: m.index, end: m.index + m[0].length, itemId: focus, fromPending: false, similar, demonstrative: true })
        return true
      },
    )
  }
  take(REACTION_RE, (m) => {
    // "It" is the film just pointed at ("I've seen the first one, loved it"), else the focus; after a long list
    // it is anyone's guess, so only a list of one or two; "both" only of two.
    const pointed = refs.filter((r) => r.start < m.index && !r.fromPending && !r.pronoun).at(-1)?.itemId
    const single = pointed ?? ctx.focus ?? (ctx.lastShown.length <= 2 ? ctx.lastShown[0] : undefined)
    let ids: ItemId[] = single !== undefined ? [single] : []
    if (/\bboth\b/.test(m[0])) ids = ctx.lastShown.length === 2 ? [...ctx.lastShown] : []
    else if (/\b(?:them|those|these|all|they)\b/.test(m[0])) ids = [...ctx.lastShown]
    // "It" with nothing shown to point at may still be a title said earlier in the message (resolved below); its
    // words stay free, since "a movie like It" names the film It.
    else if (!ids.length) {
      refs.push({ start: m.index, end: m.index + m[0].length, itemId: UNRESOLVED, fromPending: false, pronoun: true })
      return false
    }
    if (!ids.length) return false
    for (const itemId of ids) refs.push({ start: m.index, end: m.index + m[0].length, itemId, fromPending: false, pronoun: true })
    return true
  })
  if (ctx.lastShown.length) {
    take(/\b(?:more like (?:these|those|them)|(?:i )?(?:like|liked|love|loved) (?:them all|all of them|these|those))\b/g, () => {
      likeAllShown = true
      return true
    })
  }

  // Critiques, eras and runtime: anywhere in the message.
  for (const c of CRITIQUES) take(c.re, () => void out.preferences.push(...c.prefs.map((p) => ({ ...p }))))
  const shownYears = ctx.lastShown.map(ctx.yearOf).filter((y): y is number => y !== undefined)
  const median = shownYears.length ? [...shownYears].sort((a, b) => a - b)[Math.floor(shownYears.length / 2)]! : undefined
  const setEra = (min: number | undefined, max: number | undefined) => {
    out.era ??= {}
    if (min !== undefined) out.era.min = out.era.min === undefined ? min : Math.min(out.era.min, min)
    if (max !== undefined) out.era.max = out.era.max === undefined ? max : Math.max(out.era.max, max)
  }
  // Refused eras flip: "nothing old school" asks for after 1989, "nothing recent" for before the last years.
  const clauses = splitClauses(lower)
  const clauseOf = (m: RegExpExecArray) => clauses.find((c) => m.index >= c.start && m.index < c.end)
  const negated = (m: RegExpExecArray) => refusedBefore(lower.slice(clauseOf(m)?.start ?? 0, m.index))
  const newer = median !== undefined ? median + 1 : ctx.maxYear - 5
  const older = median !== undefined ? median - 1 : 1989
  // Vague eras ("older", "recent", "classic") give way to a precise one in the same message: "something older,
  // from the 80s" asks for the 80s, not for everything from 1980 to just before what was shown.
  const vague: [number | undefined, number | undefined][] = []
  const vaguely = (era: [number | undefined, number | undefined]) => void vague.push(era)
  // "They're classics!", "that one is old": describing films already named says nothing about the era wanted.
  const describing = (m: RegExpExecArray) => {
    const clause = clauseOf(m)
    const text = lower.slice(clause?.start ?? 0, clause?.end ?? lower.length)
    return DESCRIBES_RE.test(text) && !REQUEST_CUE_RE.test(text)
  }
  take(RECENT_REL_RE, (m) => vaguely(negated(m) ? [undefined, median ?? ctx.maxYear - 6] : [newer, undefined]))
  take(RECENT_ABS_RE, (m) => vaguely(negated(m) ? [undefined, ctx.maxYear - 6] : [ctx.maxYear - 5, undefined]))
  take(CLASSIC_RE, (m) => !describing(m) && vaguely(negated(m) ? [1980, undefined] : [undefined, 1979]))
  take(OLD_RE, (m) => !describing(m) && vaguely(negated(m) ? [1990, undefined] : [undefined, 1989]))
  take(OLDER_REL_RE, (m) => vaguely(negated(m) ? [median ?? 1990, undefined] : [undefined, older]))
  // "Set in the 1920s" is when the story happens: left in the text as a wish.
  const setting = (m: RegExpExecArray) => SETTING_BEFORE_RE.test(lower.slice(Math.max(0, m.index - 40), m.index))
  take(YEAR_RANGE_RE, (m) => {
    if (setting(m)) return false
    setEra(Math.min(Number(m[1]), Number(m[2])), Math.max(Number(m[1]), Number(m[2])))
  })
  take(YEAR_AFTER_RE, (m) => {
    const y = Number(m[2])
    if (m[1] === 'from' && !m[3]) setEra(y, y)
    else setEra(m[1] === 'after' || m[1] === 'post' || /than/.test(m[1]!) ? y + 1 : y, undefined)
  })
  take(YEAR_BEFORE_RE, (m) => {
    const y = Number(m[2])
    setEra(undefined, m[1] === 'until' || m[1] === 'up to' ? y : y - 1)
  })
  take(DECADE_RE, (m) => {
    if (setting(m)) return false
    let start: number
    if (m[2]) {
      const d = Number(m[2])
      start = d <= Math.floor((ctx.maxYear % 100) / 10) * 10 ? 2000 + d : 1900 + d
    } else if (m[3]) start = Number(m[3])
    else start = DECADE_WORDS[m[4]!]!
    const part = m[1]
    setEra(start + (part === 'late' ? 6 : part === 'mid' ? 3 : 0), start + (part === 'early' ? 4 : part === 'mid' ? 7 : 9))
  })
  take(YEAR_IN_RE, (m) => {
    if (setting(m)) return false
    setEra(Number(m[1]), Number(m[1]))
  })
  if (!out.era) for (const [min, max] of vague) setEra(min, max)
  take(RUNTIME_RE, (m) => {
    if (!ctx.hasRuntime) {
      out.runtimeIgnored = true
      return true
    }
    let max = 100
    if (m[1]) max = /^h/.test(m[2]!) ? Math.round(Number(m[1]) * 60) : Math.round(Number(m[1]))
    out.runtimeMax = out.runtimeMax === undefined ? max : Math.min(out.runtimeMax, max)
    return true
  })

  // A person asked for by name ("movies featuring Jeff Goldblum"): as text it would only match descriptions that
  // sound alike, and the reply would then claim the films fit the name. The films whose text names them answer it;
  // when none does, the name is set aside. Names come before titles.
  if (ctx.knowsName) {
    // Names right after their cue and not masked yet, with the span to mask from the cue on.
    const cued = (nameRe: RegExp, cueRe: RegExp) =>
      [...text.matchAll(nameRe)].flatMap((m) => {
        const start = m.index
        const end = start + m[0].length
        const cue = cueRe.exec(lower.slice(Math.max(0, start - 24), start))
        return cue && !masked.some(([a, b]) => a < end && start < b)
          ? [{ name: m[0], span: [start - cue[0].length, end] as Range }]
          : []
      })
    for (const { name, span } of cued(PERSON_NAME_RE, PERSON_CUE_RE)) {
      // A name that is a whole title ("films with Harry Potter") stays a title; a name holding part of one ("with Tom
      // Cruise", the film The Cruise) is the person.
      const asTitle = titles.find(name)[0]
      if (asTitle && !asTitle.fuzzy && asTitle.start === 0 && asTitle.end === name.length) continue
      if (ctx.knowsName(name)) out.names = [...(out.names ?? []), name]
      else out.unknownPeople = [...(out.unknownPeople ?? []), name]
      masked.push(span)
    }
    // A place ("set in Paris", "takes place in New York") the catalogue names; one it never names stays a wish.
    for (const { name, span } of cued(PLACE_NAME_RE, PLACE_CUE_RE)) {
      if (!ctx.knowsName(name)) continue
      out.names = [...(out.names ?? []), name]
      masked.push(span)
    }
  }

  // Titles, once control phrases and names are masked ("shorter" is not a typo of "Shooter").
  const found = titles.find(text, { masked })
  // "The third one looks good, more like that", "I loved Alien, more like that": "that" is the film just pointed at or
  // named in the message, else the focus.
  for (const r of refs) {
    if (!r.demonstrative) continue
    const pointed =
      refs.filter((o) => o.start < r.start && !o.fromPending && !o.demonstrative && !o.pronoun).at(-1)?.itemId ??
      found.filter((f) => f.end <= r.start && f.itemId !== undefined).at(-1)?.itemId
    if (pointed !== undefined) r.itemId = pointed
  }
  for (const m of found) masked.push([m.start, m.end])

  // Clauses: sentiment for titles and references, categories in or out, and the remaining free text.
  let inherited: 'neg' | 'pos' | undefined
  let describedBefore = false
  const positive: string[] = []
  const negative: string[] = []
  // Requested category words, in runs of adjacent ones ("romantic comedy" is one run of two).
  const runs: string[][][] = []
  for (const clause of clauses) {
    const cv = view().slice(clause.start, clause.end)
    const cues = blank(lower, [...found.map((f) => [f.start, f.end] as Range)]).slice(clause.start, clause.end)
    const neg = NEG_RE.test(cues)
    const unseen = !neg && UNSEEN_RE.test(cues)
    const pos = !neg && !unseen && POS_RE.test(cues)
    // "Have you seen La La Land?" asks the other side: it says nothing about whether the person has.
    const asksHelper = ASKS_HELPER_SEEN_RE.test(cues)
    const seen = !neg && !unseen && !pos && !asksHelper && SEEN_RE.test(cues)
    if (clause.sentenceStart) inherited = undefined
    const tone: 'neg' | 'pos' | undefined = neg ? 'neg' : pos ? 'pos' : unseen || seen ? undefined : inherited
    if (neg || pos) inherited = tone
    const actionAt = (start: number): ItemAction => {
      const before = lower.slice(Math.max(clause.start, start - 40), start)
      if (NOT_BEFORE_RE.test(before)) return 'reject'
      if (neg) return 'dislike'
      if (unseen) return 'unseen'
      // "I'm not looking for something like Fast & Furious": not that, and not a pull toward it.
      if (ANCHOR_RE.test(before)) return REFUSED_ANCHOR_RE.test(before.replace(HEDGE_RE, ' ')) ? 'reject' : 'anchor'
      if (pos) return 'like'
      if (seen) return 'seen'
      if (asksHelper) return 'anchor'
      return tone === 'neg' ? 'dislike' : 'like'
    }
    for (const f of found) {
      if (f.start >= clause.start && f.start < clause.end) out.mentions.push({ mention: f, action: actionAt(f.start) })
    }
    for (const r of refs) {
      if (r.start < clause.start || r.start >= clause.end) continue
      if (r.fromPending) {
        out.clarified = r.itemId
        continue
      }
      let itemId = r.itemId
      if (r.pronoun) {
        if (!(neg || pos || seen || unseen)) continue
        // After a title, "it" is that title: in its own clause the title's action says it all ("I loved Alien, it was
        // great"); in a later statement it takes the reaction ("Have you seen La La Land? I loved it").
        const title = found.filter((f) => f.start < r.start).at(-1)
        if (title) {
          const laterSentence = /[.!?]/.test(lower.slice(title.end, r.start))
          if (!laterSentence || lower[clause.end] === '?' || title.itemId === undefined) continue
          itemId = title.itemId
        } else if (itemId === UNRESOLVED) continue
      }
      // The pronoun's own verb carries the cue: "never seen it" is unseen, not "not that one".
      let action: ItemAction = r.pronoun ? (neg ? 'dislike' : unseen ? 'unseen' : pos ? 'like' : 'seen') : actionAt(r.start)
      if (r.similar && action !== 'reject' && action !== 'dislike') action = 'anchor'
      if (action === 'like' && !pos) action = 'anchor'
      out.references.push({ itemId, action })
    }

    // Categories, on what is left of the clause.
    const words = tokenize(cv)
    const used = new Array<boolean>(words.length).fill(false)
    const categoryWords = new Set<string>()
    // A dislike carries over to the next clause ("I don't like horror, or thrillers"), not into a request
    // ("I hated Titanic, something funny").
    const carried = tone === 'neg' && !neg && !REQUEST_CUE_RE.test(cv)
    const clauseNegated = neg || carried
    let asItem = lower.slice(clause.start, clause.end)
    for (const f of [...found].reverse())
      if (f.start >= clause.start && f.end <= clause.end)
        asItem = `${asItem.slice(0, f.start - clause.start)}it${asItem.slice(f.end - clause.start)}`
    // "Is it funny? Or more of a drama?": an "or" question goes on asking about the same film.
    const question = lower[clause.end] === '?'
    const orQuestion: boolean = question && describedBefore && /^\W*or\b/.test(asItem)
    // "Do you know what war it's based on?", "who is in it?": a wh-question about the film.
    const whAboutIt: boolean = question && WH_ABOUT_IT_RE.test(asItem)
    const asksAboutIt: boolean = (ASKS_ABOUT_IT_RE.test(asItem) || orQuestion || whAboutIt) && !REQUEST_CUE_RE.test(asItem)
    // "never saw that one I heard it was scary" goes on to describe it.
    const afterUnwatched = asItem.replace(UNWATCHED_IT_RE, '')
    const describesItem: boolean = asksAboutIt || (DESCRIBES_RE.test(afterUnwatched) && !REQUEST_CUE_RE.test(asItem))
    describedBefore = describesItem
    // A dislike after a category word refuses it when it is about it ("horror movies are boring", "comedies are
    // not my thing"), not when it ends a long clause about something else ("usually high fantasy, I have a
    // stressful job so I don't want to think too hard").
    const dislikesAt = [...cues.matchAll(NEG_ALL_RE)].map((m) => m.index as number)
    let runEnd = -1
    let runStartAt = 0
    for (let i = 0; !describesItem && i < words.length; i++) {
      for (let len = Math.min(lexicon.maxWords, words.length - i); len >= 1; len--) {
        const phrase = words
          .slice(i, i + len)
          .map((w) => w.norm)
          .join(' ')
        const term = lexicon.terms.get(phrase)
        if (!term) continue
        if (term.plain) for (const w of phrase.split(' ')) categoryWords.add(w)
        const end = words[i + len - 1]!.end
        const before = cv.slice(0, words[i]!.start)
        if (RELEASE_BEFORE_RE.test(before)) out.release = [...new Set([...(out.release ?? []), ...term.include])]
        else if (carried || refusedBefore(before) || dislikesAt.some((at) => at >= end && at - end <= DISLIKE_AFTER_CHARS))
          out.exclude.push(...term.exclude)
        else {
          out.include.push(...term.include)
          // Said together ("romantic comedy", "action-comedy"), or "both romance and action".
          const between = runEnd > 0 ? cv.slice(words[runEnd - 1]!.end, words[i]!.start) : ''
          const joined =
            (runEnd === i && /^[\s-]*$/.test(between)) ||
            (runEnd > 0 && runEnd === i - 1 && words[runEnd]!.norm === 'and' && /\bboth\s+$/.test(cv.slice(0, runStartAt)))
          if (joined) runs.at(-1)!.push(term.include)
          else {
            runs.push([term.include])
            runStartAt = words[i]!.start
          }
          runEnd = i + len
        }
        for (let k = i; k < i + len; k++) used[k] = true
        i += len - 1
        break
      }
    }

    // Free text: what is left once titles, references and control words are gone.
    // A question about the film ("does he go to war?") is not a wish either.
    if (asksAboutIt || INSTRUCTION_RE.test(cv) || QUESTION_TO_HELPER_RE.test(cv.trim())) continue
    const residual = cv.replace(AGE_PHRASE_RE, ' ').replace(FLUFF_PHRASES, ' ')
    // A wish needs a content word: chit-chat leftovers ("u", "fo", "hmmm", "lol") do not make one, and neither do
    // category words alone ("horror please"), which the category filter already carries: as text they would only
    // rank the category's items by how much their descriptions resemble the word. With another word they stay,
    // for context ("psychological horror").
    const rest = tokenize(residual).filter(
      (t) =>
        (!COMMON_WORDS.has(t.norm) || TOPIC_WORDS.has(t.norm)) &&
        !categoryWords.has(t.norm) &&
        !FLUFF.has(t.norm) &&
        !/^\d+$/.test(t.norm) &&
        t.norm.length >= 3 &&
        !INTERJECTION_RE.test(t.norm) &&
        t.norm.length <= MAX_WORD_CHARS,
    )
    if (rest.length) {
      const phrase = tokenize(residual)
        .filter((t) => !FLUFF.has(t.norm) && !NEGATOR_WORDS.has(t.norm) && t.norm.length <= MAX_WORD_CHARS)
        .map((t) => t.raw)
        .join(' ')
      const clean = clipWords(trimStopEdges(phrase), MAX_PREFERENCE_CHARS, '')
      if (clean) (clauseNegated || refusedBefore(cv) ? negative : positive).push(clean)
    }
  }
  if (out.era && out.era.min !== undefined && out.era.max !== undefined && out.era.min > out.era.max) delete out.era
  if (positive.length) out.preferences.push({ text: positive.join(', '), weight: 1 })
  if (negative.length) out.preferences.push({ text: negative.join(', '), weight: -0.6 })
  if (likeAllShown) for (const id of ctx.lastShown) out.references.push({ itemId: id, action: 'anchor' })
  // "A feel-good movie" is never a horror film, whatever else it is.
  const horror = lexicon.terms.get('horror')
  if (horror && FEEL_GOOD_RE.test(lower) && !out.include.some((c) => horror.include.includes(c))) {
    out.exclude.push(...horror.include)
  }
  // Asked for and refused in one breath ("horror but not gore"): the request wins, the refusal stays a soft push.
  out.include = [...new Set(out.include)]
  out.exclude = [...new Set(out.exclude)].filter((c) => !out.include.includes(c))
  const together = runs.length === 1 ? distinctGroups(runs[0]!) : []
  if (together.length > 1) out.includeAll = together
  // "comedies too" adds; "nothing too long" does not.
  out.includeAdds = /\b(?:also|as well|additionally)\b|\btoo\b(?=\s*(?:$|[.,!?;)]|please\b))/.test(lower)
  // A title answering the pending question ("Aliens").
  if (ctx.pending && out.clarified === undefined) {
    for (const m of out.mentions) {
      const top = m.mention.itemId ?? m.mention.candidates[0]
      if (top !== undefined && ctx.pending.candidates.includes(top)) {
        out.clarified = top
        break
      }
    }
  }

  // A question about one film: which one is the film named or pointed at, else the one in focus.
  // "what is Old Yeller?": the whole message asks what one named film is.
  const only = out.mentions.length === 1 ? out.mentions[0]!.mention : undefined
  const whatIsTitle =
    only !== undefined && /^\W*what(?:'s|s| is| was)\s+$/.test(lower.slice(0, only.start)) && /^\W*$/.test(lower.slice(only.end))
  if (!out.reset && (ABOUT_RE.test(lower.trim()) || whatIsTitle) && !out.include.length && !out.exclude.length && !out.era) {
    const named = out.mentions.find((m) => m.mention.itemId !== undefined)?.mention.itemId
    const pointed = out.references.at(-1)?.itemId
    const single = ctx.lastShown.length === 1 ? ctx.lastShown[0] : undefined
    const target = pointed ?? named ?? ctx.focus ?? single
    if (out.mentions.length <= 1 && out.references.length <= 1) {
      out.intent = 'about'
      if (target !== undefined) out.about = target
      out.mentions = []
      out.references = []
      out.preferences = []
      return out
    }
  }

  const nothing =
    !out.reset &&
    !out.dropFilters &&
    !out.mentions.length &&
    !out.references.length &&
    out.clarified === undefined &&
    !out.include.length &&
    !out.exclude.length &&
    !out.release?.length &&
    !out.era &&
    out.runtimeMax === undefined &&
    !out.runtimeIgnored &&
    !out.names?.length &&
    !out.preferences.length
  if (out.reset) out.intent = 'reset'
  else if (nothing) {
    const norm = tokenize(lower).map((t) => t.norm)
    if (HELP_RE.test(lower.trim())) out.intent = 'help'
    else if (norm.length && norm.every((w) => GREETING_WORDS.has(w))) out.intent = 'greeting'
    else if (norm.length && norm.every((w) => THANKS_WORDS.has(w))) out.intent = 'thanks'
  }
  return out
}

/** Lowercase without changing offsets (a few characters grow when lowercased; those are kept). */
function lowerSameLength(text: string): string {
  let out = ''
  for (const ch of text) {
    const l = ch.toLowerCase()
    out += l.length === ch.length ? l : ch
  }
  return out.replace(/[’‘`´]/g, "'")
}

/** The text with the given ranges replaced by spaces (same length, so offsets stay valid). */
function blank(text: string, ranges: readonly Range[]): string {
  if (!ranges.length) return text
  const chars = text.split('')
  for (const [s, e] of ranges) for (let i = s; i < e && i < chars.length; i++) chars[i] = ' '
  return chars.join('')
}

function splitClauses(lower: string): { start: number; end: number; sentenceStart: boolean }[] {
  const out: { start: number; end: number; sentenceStart: boolean }[] = []
  // "Anything but Star Wars" is one clause.
  const re =
    /[.!?;\n]+\s*|,\s*|(?<!\b(?:anything|any thing|everything|nothing|all))\s+(?:but|though|although|however|whereas|yet)\s+|\s+-\s+/g
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

const EDGE_STOP = new Set(
  "what's i and or but so the a an to of with for that who which is it was from in on at about by like as than some any whats what how need needs want wants".split(
    ' ',
  ),
)
function trimStopEdges(phrase: string): string {
  const words = phrase.split(/\s+/).filter(Boolean)
  while (words.length && EDGE_STOP.has(words[0]!.toLowerCase())) words.shift()
  while (words.length && EDGE_STOP.has(words[words.length - 1]!.toLowerCase())) words.pop()
  return words.join(' ')
}

/** The groups of a run of category words, without repeats ("funny comedy" is one group). */
function distinctGroups(run: readonly string[][]): string[][] {
  const out: string[][] = []
  for (const group of run) {
    const key = [...group].sort().join('|')
    if (!out.some((g) => [...g].sort().join('|') === key)) out.push([...group])
  }
  return out
}
