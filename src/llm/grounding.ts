/** Something in LLM text that the evidence given to the LLM does not hold. */
export interface GroundingIssue {
  /**
   * `mention`: Slack markup or a broadcast (`<!channel>`, `<@U1>`, `@here`), never allowed; `url`: a link or domain;
   * `number`: a figure (year, rating, count); `name`: a capitalised word (a title, person, studio, award);
   * `claim`: a fact word (award, starring, directed, based on…).
   */
  kind: 'mention' | 'url' | 'number' | 'name' | 'claim'
  text: string
}

const MENTION = /<[!@#][^>]*>|<(?:https?|mailto):[^>]*>|(?<![\p{L}\p{N}])@(?:here|channel|everyone)\b/giu
const URL_LIKE =
  /\b(?:https?:\/\/|www\.)[^\s<>"')\]]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|co|tv|ly|app|dev|me|info|xyz|biz|gg|uk|us|de|fr)\b(?:\/[^\s<>"')\]]*)?/giu
const NUMBER = /\d+(?:[.,:]\d+)*/gu
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu
const CLAIMS =
  /\b(?:award-winning|awards?|oscars?|nominated|nominations?|starring|directed|director|box office|rated|imdb|rotten tomatoes|acclaimed|blockbuster|sequel|prequel|remake|true story|based on)\b/giu
/** Capitalised words that name nothing. */
const PLAIN_CAPITALS = new Set(['i', "i'm", "i've", "i'd", "i'll", 'ok'])

/**
 * Checks LLM text against the evidence it was given (the request, titles, facts, template sentences): every URL,
 * number, capitalised name and fact word in the text must occur in the evidence, and Slack mentions never pass.
 * A capitalised word opening a sentence is checked only when the next word is capitalised too (a name such as
 * "The Matrix"), since any sentence starts with a capital; a one-word title opening a sentence is not caught.
 * Pure; an empty list means the text is grounded.
 */
export function findUngrounded(text: string, evidence: readonly string[]): GroundingIssue[] {
  const source = normalise(evidence.join('\n'))
  const sourceWords = new Set(wordsOf(source))
  const sourceNumbers = new Set(source.match(NUMBER) ?? [])
  const issues: GroundingIssue[] = []
  const add = (kind: GroundingIssue['kind'], found: string) => issues.push({ kind, text: found })
  for (const m of text.matchAll(MENTION)) add('mention', m[0])
  const withoutMentions = text.replace(MENTION, ' ')
  for (const m of withoutMentions.matchAll(URL_LIKE)) if (!source.includes(normalise(m[0]))) add('url', m[0])
  const withoutUrls = withoutMentions.replace(URL_LIKE, ' ')
  for (const m of withoutUrls.matchAll(NUMBER)) if (!sourceNumbers.has(m[0])) add('number', m[0])
  for (const m of withoutUrls.matchAll(CLAIMS)) if (!source.includes(m[0].toLowerCase())) add('claim', m[0])
  for (const name of capitalisedWords(withoutUrls)) {
    const parts = name.split('-').filter((p) => /^\p{Lu}/u.test(p))
    const known = (w: string) => sourceWords.has(w) || PLAIN_CAPITALS.has(w)
    if (!known(bare(name)) && !parts.every((p) => known(bare(p)))) add('name', name)
  }
  return issues
}

/** Capitalised words that are not a lone sentence opener. */
function capitalisedWords(text: string): string[] {
  const out: string[] = []
  for (const sentence of text.split(/(?<=[.!?;:…])\s+|\n+|\s[-–—]\s/u)) {
    const words = sentence.match(WORD) ?? []
    words.forEach((word, i) => {
      if (!/^\p{Lu}/u.test(word)) return
      const opensSentence = i === 0
      if (opensSentence && !/^\p{Lu}/u.test(words[1] ?? '')) return
      out.push(word)
    })
  }
  return out
}

function normalise(text: string): string {
  return text.toLowerCase().replace(/[’‘]/g, "'").replace(/[–—]/g, '-').replace(/\s+/g, ' ')
}

function wordsOf(text: string): string[] {
  return (text.match(WORD) ?? []).flatMap((w) => {
    const b = bare(w)
    return b.includes('-') ? [b, ...b.split('-')] : [b]
  })
}

/** Lower case, without a possessive ending. */
function bare(word: string): string {
  return normalise(word).replace(/'s?$/, '')
}
