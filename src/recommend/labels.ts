import type { Item, ItemId } from '../core/index.ts'
import { contentStems, rootWord } from './lexical.ts'

/**
 * Which of the catalogue's labels (tags and categories) a wish's words point to, learned from the items themselves:
 * a word votes for the labels whose items use it in their title or description more often than chance ("player"
 * for the tag `player` and the section `sound`, "terminal" for `text mode` and `ncurses`), and an item scores by the
 * votes its own labels get. So "software to edit videos" reaches programs tagged `video` and `editing` whose
 * description says "cut clips", and "something to record audio" audio recorders that never say "record". Nothing
 * is listed by hand; a catalogue without labels gets no votes.
 */
export interface LabelIndex {
  /**
   * The labels `text`'s words vote for and every item's score (the sum of its labels' votes). `feedback`: the items
   * another search ranks first for the text, whose labels vote too (pseudo-relevance feedback). Cached per text.
   */
  match(text: string, feedback?: readonly ItemId[]): LabelMatch
}

export interface LabelMatch {
  /** Vote per label (`tag:<tag>` or `category:<category>`, lower-cased), only positive ones. */
  votes: ReadonlyMap<string, number>
  /** Per item with a voted label, the sum of its labels' votes. */
  scores: ReadonlyMap<ItemId, number>
  /** The highest item score (0 when nothing matches). */
  best: number
}

/** A word says something about labels when at most this share of the items use it … */
const MAX_WORD_SHARE = 0.1
/** … and at least this many. */
const MIN_WORD_ITEMS = 2
/** A label on more than this share of the items (`application`, `graphical`) is a kind of everything: no vote. */
const MAX_LABEL_SHARE = 0.3
/**
 * A label is learnt only when at least this many items carry it: a tag on two films ("guitar") is the name of those
 * two, and any word they share would vote for it.
 */
const MIN_LABEL_ITEMS = 5
/** A word votes for a label only when at least this many of its items carry it (one is chance). */
const MIN_SHARED = 2
/** Smoothing of the lift (observed over expected co-occurrences), so that small counts do not look strong. */
const LIFT_PRIOR = 0.5
/** Shrinks a vote by how many items back it: n / (n + SUPPORT_PRIOR). */
const SUPPORT_PRIOR = 3
/**
 * A label's vote must reach this to count: ln(lift) × support of about e at half support. Weaker votes are chance
 * co-occurrences in a small catalogue ("space" and "adventure" in a few animated films), and the part is z-scored,
 * so even a faint vote would lead the blend.
 */
const MIN_VOTE = 0.5
/** Only the strongest few labels of a wish count: a wish names one or two kinds of program, the rest is noise. */
const TOP_LABELS = 3
const CACHE_SIZE = 512

/**
 * Builds the label index over the items' titles, descriptions, tags and categories. Word postings are made here
 * (one pass over the catalogue); each wish then counts the labels of the items that use its words.
 */
export function createLabelIndex(items: readonly Item[]): LabelIndex {
  const labelsOf = items.map(itemLabels)
  const labelCounts = new Map<string, number>()
  for (const labels of labelsOf) for (const l of labels) labelCounts.set(l, (labelCounts.get(l) ?? 0) + 1)
  const postings = wordPostings(items)
  const n = items.length
  const cache = new Map<string, LabelMatch>()
  const positions = new Map(items.map((item, at) => [item.id, at]))
  const tables = { labelsOf, labelCounts, n }
  // Each word's items vote as a group, and the feedback items as one more group.
  const votesFor = (text: string, feedback: readonly ItemId[]) => {
    const groups = wishWords(text).map((w) => postings.get(w) ?? [])
    const fromFeedback = feedback.flatMap((id) => positions.get(id) ?? [])
    return labelVotes(fromFeedback.length ? [...groups, fromFeedback] : groups, tables)
  }
  return {
    match(text, feedback = []) {
      const key = `${text.trim().toLowerCase()}\u0000${feedback.join('\u0000')}`
      const cached = cache.get(key)
      if (cached) return cached
      const votes = votesFor(text.trim().toLowerCase(), feedback)
      const result = itemScores(items, labelsOf, votes)
      if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string)
      cache.set(key, result)
      return result
    },
  }
}

/** An item's labels: each tag and each category, lower-cased and kept apart by their source. */
function itemLabels(item: Item): string[] {
  return [
    ...new Set([
      ...item.tags.map((t) => `tag:${t.trim().toLowerCase()}`),
      ...item.categories.map((c) => `category:${c.trim().toLowerCase()}`),
    ]),
  ]
}

/** The roots of a text's content words ("editing" → "edit"), each once. */
function wishWords(text: string): string[] {
  return [...new Set(contentStems(text).map(rootWord))]
}

/** Root → positions of the items whose title or description uses it. */
function wordPostings(items: readonly Item[]): Map<string, number[]> {
  const postings = new Map<string, number[]>()
  items.forEach((item, at) => {
    for (const w of wishWords(`${item.title} ${item.description}`)) {
      const list = postings.get(w)
      if (list) list.push(at)
      else postings.set(w, [at])
    }
  })
  return postings
}

interface LabelTables {
  labelsOf: readonly (readonly string[])[]
  labelCounts: ReadonlyMap<string, number>
  n: number
}

/**
 * Each group's vote for a label (a group: the items using one word of the wish, or the feedback items): ln(smoothed
 * lift) × support shrinkage, summed over the groups, kept for the labels more of its items carry than chance would
 * give; the strongest TOP_LABELS labels of the wish.
 */
function labelVotes(groups: readonly (readonly number[])[], tables: LabelTables): Map<string, number> {
  const { labelsOf, labelCounts, n } = tables
  const votes = new Map<string, number>()
  for (const users of groups) {
    if (users.length < MIN_WORD_ITEMS || users.length > MAX_WORD_SHARE * n) continue
    const shared = new Map<string, number>()
    for (const at of users) for (const l of labelsOf[at] as string[]) shared.set(l, (shared.get(l) ?? 0) + 1)
    for (const [label, together] of shared) {
      const carriers = labelCounts.get(label) as number
      if (together < MIN_SHARED || carriers < MIN_LABEL_ITEMS || carriers > MAX_LABEL_SHARE * n) continue
      const lift = (together + LIFT_PRIOR) / ((users.length * carriers) / n + LIFT_PRIOR)
      if (lift <= 1) continue
      votes.set(label, (votes.get(label) ?? 0) + (Math.log(lift) * together) / (together + SUPPORT_PRIOR))
    }
  }
  const strongest = [...votes]
    .filter(([, vote]) => vote >= MIN_VOTE)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP_LABELS)
  return new Map(strongest)
}

function itemScores(
  items: readonly Item[],
  labelsOf: readonly (readonly string[])[],
  votes: ReadonlyMap<string, number>,
): LabelMatch {
  const scores = new Map<ItemId, number>()
  let best = 0
  if (votes.size > 0) {
    items.forEach((item, at) => {
      let score = 0
      for (const l of labelsOf[at] as string[]) score += votes.get(l) ?? 0
      if (score <= 0) return
      scores.set(item.id, score)
      if (score > best) best = score
    })
  }
  return { votes, scores, best }
}
