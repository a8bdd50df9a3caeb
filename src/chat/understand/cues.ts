/** Cues that several passes read: dislikes, refusals, hedges, and clauses that describe a film rather than ask. */

import { type DomainWords, perDomain } from './domain-words.ts'

/** Clause-level sentiment cues. Order matters: negative beats unseen beats positive beats seen. */
export const NEG_RE =
  /\b(?:hate[sd]?|hating|boring|bored|awful|terrible|horrible|worst|overrated|over rated|disliked?|dislikes|meh|suck(?:ed|s)?|stupid|lame|dumb|annoying|disappointing|disappointed|(?:could ?n[o']?t|can ?n?[o']?t) stand|not (?:a|really a|much of a|the biggest|a big|a huge|that much of a) fan|was ?n[o']?t (?:a|really a|much of a) fan|not (?:really )?into|not for me|fell asleep|waste of time|not (?:my|really my) (?:thing|cup of tea|style|type|taste|genre)|was ?n[o']?t (?:great|good|that good|very good|impressed)|did ?n[o']?t (?:really )?(?:like|love|enjoy|care for|get)|do ?n[o']?t (?:really )?(?:like|love|enjoy|want|care (?:much |too much )?for|need)|does ?n[o']?t (?:really )?(?:like|love|enjoy|want|care (?:much |too much )?for|appeal|interest)|not (?:big|huge|crazy) (?:on|about)|never (?:liked|cared)|no thanks|not interested|too (?:long|slow|violent|scary|gory|sappy|cheesy|boring|sad|dark|silly))\b/
/**
 * A clause that describes one film rather than asks for something ("I thought that one was funny", "The Ring was
 * scary", "is it a fantasy?"): its category words say what the film is, so they set no filter. Titles in the clause
 * are read as "it" first.
 */
export const describesRe = perDomain(
  (w) =>
    new RegExp(
      `^\\W*(?:(?:oh|yes|yeah|yep|and|well|ok|okay|haha|lol|so|but|also|plus|though)\\b\\W*)*(?:i (?:think|thought|heard|felt|guess|found|bet|hear)(?: that)? |i'?m sure )?(?:it|its|it's|that|thats|that's|that one|that (?:${w.singular})|this|this one|this (?:${w.singular})|those|these|they|he|she|his (?:${w.plural})|her (?:${w.plural})|the (?:trailers?|sequel|ending|original|first one|second one|last one|book))\\s*(?:is|was|were|are|'s|s|'re|re|looks?|looked|sounds?|sounded|seems?|seemed|felt|gets?|got|has been|had been|isn'?t|wasn'?t|can be|could be|might be|would be)\\b`,
    ),
)
/** A request in the same breath ("yes it is, can you suggest some action?") keeps the clause a request. */
export const REQUEST_CUE_RE =
  /\b(?:suggest|recommend|recommendations?|looking for|look for|want|wanna|need|in the mood|prefer|please|any|something|anything)\b/
/**
 * The words that refuse what follows them ("no", "anything but", "instead of"): one list for every reader of refusals,
 * each adding its own (a clause's negators here, the words just before a title in `sentiment.ts`).
 */
export const REFUSING_WORDS = String.raw`no|not|never|without|except|any ?thing but|other than|apart from|instead of|rather than|isn'?t|no more`
export const NEGATOR_RE = new RegExp(
  String.raw`\b(?:${REFUSING_WORDS}|nothing|none|dont|don't|do not|(?:doesn'?t|does not)(?! (?:(?:have|need) to|matter|mind)\b)|avoid|hate[sd]?|dislike[sd]?|skip|exclude|minus|rather not|wouldn't|wouldnt|nor|tired of|sick of|fed up with)\b`,
)
/** Not having watched a film refuses nothing: "never saw that one, I heard it was scary" ("I don't watch horror" does). */
export const unwatchedRe = perDomain(
  (w) =>
    new RegExp(
      `\\b(?:never|not|haven'?t|have not|hasn'?t|has not|didn'?t|did not|havent|didnt)\\s+(?:yet\\s+|ever\\s+|even\\s+)?(?:${w.done}|heard of)\\b`,
      'g',
    ),
)
/** Hedges, not refusals: "I don't know, maybe something funny" asks for comedy. */
export const HEDGE_RE = /\b(?:i )?(?:don'?t|dont|do not) know\b|\bnot sure\b|\bno idea\b/g

/**
 * Whether the words before a category or era word in its clause refuse it: a negator ("no", "not a fan of",
 * "tired of") or a dislike ("hate", "can't stand"), hedges aside. Categories and eras read refusals the same
 * way, and only within their clause: "I hate horror, something recent" asks for recent films.
 */
export function refusedBefore(prefix: string, words: DomainWords): boolean {
  const p = prefix.replace(HEDGE_RE, ' ').replace(unwatchedRe(words), ' ')
  return NEGATOR_RE.test(p) || NEG_RE.test(p)
}
