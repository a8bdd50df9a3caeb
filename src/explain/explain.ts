import { clipWords } from '../core/index.ts'
import type { Recommendation } from '../recommend/index.ts'

/**
 * A wish of the request: `text` as the search reads it (what evidence is matched by), `written` as the message wrote
 * it when that differs ("doesn't take itself too seriously" for "doesn't itself seriously"), `said` a critique's own
 * words ("gentler" for 'heartwarming feel-good').
 */
export interface StatedWish {
  text: string
  written?: string
  said?: string
}

export interface ExplainContext {
  /** The wishes of the request, as the person wrote them; a plain string is a wish quoted as its text reads. */
  preferences: (string | StatedWish)[]
  /** Titles of the items the person liked; when given, only these titles are named as "similar to" or "people who liked". */
  likedTitles?: string[]
  /** Categories (lower-case) whose items read as dark or light, from the domain profile; none offers neither. */
  tone?: { dark: readonly string[]; light: readonly string[] }
  /** The catalogue has no popularity: picks without a wish or a liked item are not "popular" ones. */
  unranked?: boolean
  /** The request sets filters (categories, years, lengths, fields, names, refusals): only then does a pick "pass" them. */
  filtered?: boolean
}

export interface ComposedReply {
  text: string
  suggestions: string[]
}

/** Popularity percentile from which an item is called "one of the most popular" when nothing more specific can be said. */
const MOST_POPULAR = 0.95
/** … and "more popular than most" (more popular than half the catalogue). */
const MORE_POPULAR = 0.5
/**
 * The collaborative part (z-score within the candidate pool) from which a pick is one people who liked what the person
 * liked tend to like: a standard deviation above the pool's mean. Without liked items the part is 0 throughout.
 */
const LIKED_BY_SIMILAR_TASTE = 1
const MAX_PHRASE_CHARS = 90

/**
 * One or two short sentences built only from the recommendation's evidence: the stated preference it matches
 * (with a phrase from its description), the liked item it resembles and what they share, "people who liked X
 * also liked it", where it names a person asked for, and the requested category and year it fits; with none of
 * these, what else put it there (`lastResort`). Deterministic; claims nothing without evidence.
 */
export function explainItem(rec: Recommendation, context: ExplainContext): string {
  const { evidence } = rec
  const nameable = context.likedTitles ? new Set(context.likedTitles.map(normTitle)) : undefined
  const canName = (title: string) => !nameable || nameable.has(normTitle(title))
  // Wishes are matched by their search text, lower-cased, and quoted as the person said them.
  const asked = distinctWishes(context)
  const quotes = new Map(asked.map((w) => [searchKey(w.text), quoteOf(w)]))

  const first: string[] = []
  const second: string[] = []

  // Naming the person asked for is the most specific fit there is ("Tagged "Tom Hanks", as you asked").
  if (evidence.mentionFit?.length) first.push(capitalise(`${joinAnd(evidence.mentionFit)}, as you asked`))

  const matched = evidence.matchedPreferences.filter((m) => quotes.size === 0 || quotes.has(searchKey(m.text)))
  const top = matched[0]
  const wish = top && (quotes.get(searchKey(top.text)) ?? top.text)
  // The wish's own words in the item's text ("its description says "Christmas"") back a fit better than closeness alone.
  const wishes = asked.length ? asked.map((w) => w.text) : evidence.matchedPreferences.map((m) => m.text)
  const backingOf = (texts: readonly string[]) =>
    withoutSplitPhrases(
      (evidence.keywordFit ?? []).filter((fit) => backsWishes(fit, rec.item.title, texts)),
      texts,
    )
  const backing = backingOf(wishes)
  if (wish) {
    // Only the words of the wish it fits back that fit ("It fits "heist": tagged "Comedy"" claimed the critique's
    // evidence for the topic); what backs another wish is said on its own.
    const own = backingOf([top.text])
    const others = backing.filter((fit) => !own.includes(fit))
    const phrase = evidence.descriptionPhrase ? clipWords(evidence.descriptionPhrase, MAX_PHRASE_CHARS) : undefined
    const fits = phrase ? quoteLower(phrase) : own.length ? joinAnd(own) : undefined
    first.push(fits ? `It fits "${wish}": ${fits}` : `It fits "${wish}"`)
    if (!phrase && others.length) second.push(capitalise(joinAnd(others)))
  } else if (backing.length) first.push(capitalise(joinAnd(backing)))

  const similar = evidence.similarTo.find((s) => canName(s.item.title))
  if (similar) {
    const clause = similar.sharedCategories.length
      ? `like ${similar.item.title}, it's ${joinAnd(similar.sharedCategories.slice(0, 3).map(lowerCategory))}`
      : similar.sharedTags.length
        ? `like ${similar.item.title}, it's tagged ${joinAnd(similar.sharedTags.slice(0, 2).map((t) => `"${t}"`))}`
        : `its description is close to ${similar.item.title}'s`
    if (first.length === 0) first.push(capitalise(clause))
    else second.push(capitalise(clause))
  }

  const also = (evidence.alsoLikedBy ?? []).find((a) => canName(a.item.title))
  if (also) second.push(`People who liked ${also.item.title} also liked it`)

  const fit: string[] = []
  if (evidence.categoryFit.length) fit.push(`listed under ${joinAnd(evidence.categoryFit)} as you asked`)
  if (evidence.yearFit) fit.push(evidence.yearFit)
  for (const m of evidence.metadataFit ?? []) fit.push(m)
  if (fit.length) {
    const clause = capitalise(fit.join(', '))
    if (first.length === 0) first.push(clause)
    else if (second.length === 0) second.push(clause)
  }

  if (first.length === 0 && second.length > 0) first.push(second.shift() as string)
  if (first.length === 0) first.push(lastResort(rec, context, quotes))
  const sentences = [first.join('; '), second.slice(0, 1).join('')].filter(Boolean)
  return sentences.map((s) => `${s}.`).join(' ')
}

/**
 * What is still true of a pick no specific evidence explains, from what put it there: closer in meaning to a wish
 * than most of the catalogue, liked by people who liked what the person liked, popular; else the filters it passes,
 * when any were set; else only that it rounds out the list, and is no close match for the wishes (it would be near
 * one otherwise). `quotes`: the stated wishes' quotes by lower-cased search text.
 */
function lastResort(rec: Recommendation, context: ExplainContext, quotes: ReadonlyMap<string, string>): string {
  const { evidence, item, parts } = rec
  const near = (evidence.nearWishes ?? []).find((text) => quotes.size === 0 || quotes.has(searchKey(text)))
  if (near !== undefined) {
    const subject = item.description.trim() ? 'Its description is' : 'It is'
    return `${subject} closer in meaning to "${quotes.get(searchKey(near)) ?? near}" than most in the catalogue`
  }
  if (parts.collaborative >= LIKED_BY_SIMILAR_TASTE) return 'People who liked what you liked tend to like it too'
  const popularity = evidence.popularityPercentile ?? 0
  if (popularity >= MOST_POPULAR) return 'One of the most popular picks here'
  if (popularity > MORE_POPULAR) return 'More popular than most in the catalogue'
  if (context.filtered) return 'It passes everything you asked to filter on'
  const wishes = [...quotes.values()].slice(-2)
  return wishes.length ? `Not a close match for "${wishes.join('" or "')}"; it rounds out the list` : 'It rounds out the list'
}

/**
 * An intro sentence and a next step, chosen from the results' categories and years, plus clickable follow-ups.
 * Deterministic for the same input.
 */
export function composeReply(recs: readonly Recommendation[], context: ExplainContext): ComposedReply {
  if (recs.length === 0) {
    return {
      text: "I couldn't find anything that fits all of that. Want to drop a filter or try something broader?",
      suggestions: ['Drop the filters', 'Surprise me', ...(context.unranked ? [] : ['Something popular'])],
    }
  }
  const n = recs.length
  const noun = n === 1 ? 'pick' : 'picks'
  const wanted = distinctWishes(context)
  const liked = context.likedTitles ?? []
  let intro: string
  if (wanted.length) intro = `Here ${n === 1 ? 'is' : 'are'} ${n} ${noun}${forWishes(wanted.slice(-2))}.`
  else if (liked.length) intro = `Here ${n === 1 ? 'is' : 'are'} ${n} ${noun} based on ${joinAnd(liked.slice(0, 2))}.`
  else intro = `Here ${n === 1 ? 'is' : 'are'} ${n} ${context.unranked ? '' : 'popular '}${noun} to start with.`

  const suggestions: string[] = []
  const count = (names: readonly string[]) =>
    recs.filter((r) => r.item.categories.some((c) => names.includes(c.toLowerCase()))).length / n
  const dark = count(context.tone?.dark ?? [])
  const light = count(context.tone?.light ?? [])
  if (dark >= 0.5 && dark >= light) suggestions.push('Something lighter?')
  else if (light >= 0.5) suggestions.push('Something with more edge?')
  if (n >= 2) suggestions.push(`More like #${distinctIndex(recs) + 1}?`)
  const years = recs.map((r) => r.item.year).filter((y): y is number => y !== undefined)
  if (years.length === n) {
    if (Math.max(...years) < 2000) suggestions.push('Something more recent?')
    else if (Math.min(...years) >= 2000) suggestions.push('Something older?')
  }
  if (suggestions.length < 2) suggestions.push('Surprise me')
  const next = suggestions[0] as string
  const text = next.endsWith('?') ? `${intro} Want ${lowerFirst(next)}` : intro
  return { text, suggestions: suggestions.slice(0, 3) }
}

/**
 * The wishes of the context, trimmed, without empty ones, once per search text (the latest saying of it): the same
 * search read twice is one wish.
 */
function distinctWishes(context: ExplainContext): StatedWish[] {
  const byText = new Map<string, StatedWish>()
  for (const p of context.preferences) {
    const wish = typeof p === 'string' ? { text: p.trim() } : { ...p, text: p.text.trim() }
    if (!wish.text) continue
    const key = searchKey(wish.text)
    byText.delete(key)
    byText.set(key, wish)
  }
  return [...byText.values()]
}

/** A search text as wishes and evidence are compared: trimmed and lower-cased (the chat reads wishes lower-cased). */
function searchKey(text: string): string {
  return text.trim().toLowerCase()
}

/** How a wish is quoted: the person's own words for it, else as the message wrote it, else its text. */
export function quoteOf(wish: StatedWish): string {
  return wish.said?.trim() || wish.written?.trim() || wish.text
}

/**
 * What the intro says the picks are for: the wishes in quotes (`for "submarine"`), and critiques in the person's
 * words after them, unquoted (`, gentler`): they say how, not what, and are no search phrase of theirs.
 */
function forWishes(wishes: readonly StatedWish[]): string {
  const quoted = wishes.filter((w) => !w.said?.trim()).map((w) => `"${quoteOf(w)}"`)
  const critiques = wishes.filter((w) => w.said?.trim()).map(quoteOf)
  return `${quoted.length ? ` for ${quoted.join(' and ')}` : ''}${critiques.length ? `, ${joinAnd(critiques)}` : ''}`
}

/** The result whose categories overlap the others' least (ties: the earlier one after #1), as the "more like" offer. */
function distinctIndex(recs: readonly Recommendation[]): number {
  let best = 1
  let bestOverlap = Number.POSITIVE_INFINITY
  recs.forEach((r, i) => {
    if (i === 0) return
    const mine = new Set(r.item.categories)
    let overlap = 0
    recs.forEach((o, j) => {
      if (j !== i) overlap += o.item.categories.filter((c) => mine.has(c)).length
    })
    if (overlap < bestOverlap) {
      bestOverlap = overlap
      best = i
    }
  })
  return best
}

/** A fit quoting a tag or the title: `tagged "road trip"`, `its title says "Road"` (the forms of `keywordFit`). */
const QUOTED_UNIT_RE = /^(tagged|its title says) "(.+)"$/

/** Words folded for comparison: lower-cased, without a possessive or plural "s" ("con artists" meets "con artist"). */
function foldedWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => (w.length > 3 ? w.replace(/s$/, '') : w))
}

/**
 * Whether a fit quoting the item's words is evidence for the wishes. A tag or the title is a unit of the item, so it
 * counts only whole, and only when the wishes say every word of it: "road trip" for "a road trip movie", but not
 * the tag "Captain America" for "a road trip across America", "teen drama" for "a drama about a big family", or the
 * title "Road" of Road House for "road trip" (a fragment of the title). Words of a description, and the company that
 * made the item, are quoted as matched.
 */
export function backsWishes(fit: string, title: string, wishes: readonly string[]): boolean {
  const quoted = QUOTED_UNIT_RE.exec(fit)
  if (!quoted) return true
  const unit = quoted[1] === 'tagged' ? (quoted[2] as string) : title
  const said = new Set(wishes.flatMap(foldedWords))
  const words = foldedWords(unit)
  return words.length > 0 && words.every((w) => said.has(w))
}

/** Whether a pick answers a wish: close to it, or quoting any of its words (`its description says "chess"`, `made by …`). */
export function answersWish(rec: Recommendation, wish: string): boolean {
  if (rec.evidence.matchedPreferences.some((m) => searchKey(m.text) === searchKey(wish))) return true
  const said = new Set(foldedWords(wish))
  // Every quote counts: `tagged "Texas" ("lone star state" is another name for it)` answers "the lone star state".
  return (rec.evidence.keywordFit ?? []).some((fit) =>
    [...fit.matchAll(/"([^"]+)"|made by (.+)$/g)].some((quoted) =>
      foldedWords(quoted[1] ?? quoted[2] ?? '').some((w) => said.has(w)),
    ),
  )
}

/** A fit quoting one word: `its description says "road"`. */
const ONE_WORD_RE = /^its \w+ says "([\p{L}\p{N}]+)"$/u

/**
 * The fits without those that quote, word by word, words a wish says side by side: an item using "road" and "trip"
 * apart is no evidence for "a road trip movie" (when it uses them together, the pair is quoted instead).
 */
export function withoutSplitPhrases(fits: readonly string[], wishes: readonly string[]): string[] {
  const single = fits.map((fit) => {
    const word = ONE_WORD_RE.exec(fit)?.[1]
    return word === undefined ? undefined : foldedWords(word)[0]
  })
  const quoted = new Set(single.filter((w): w is string => w !== undefined))
  const split = new Set<string>()
  for (const words of wishes.map(foldedWords)) {
    words.forEach((w, i) => {
      const next = words[i + 1]
      if (next !== undefined && quoted.has(w) && quoted.has(next)) split.add(w).add(next)
    })
  }
  return fits.filter((_, i) => !split.has(single[i] as string))
}

function quoteLower(phrase: string): string {
  return `"${phrase}"`
}

function lowerCategory(c: string): string {
  return c === c.toUpperCase() ? c : c.toLowerCase()
}

function joinAnd(parts: string[]): string {
  if (parts.length <= 1) return parts.join('')
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1)
}

function normTitle(t: string): string {
  return t.trim().toLowerCase()
}
