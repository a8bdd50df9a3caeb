import type { Item } from '../core/index.ts'

/** Categories both items have, spelled as in `item`. */
export function sharedCategories(item: Item, other: Item): string[] {
  const theirs = new Set(other.categories.map((c) => c.toLowerCase()))
  return item.categories.filter((c) => theirs.has(c.toLowerCase()))
}

/** Tags both items have (at most 3, in `item`'s order). */
export function sharedTags(item: Item, other: Item): string[] {
  const theirs = new Set(other.tags.map((t) => t.toLowerCase()))
  return item.tags.filter((t) => theirs.has(t.toLowerCase())).slice(0, 3)
}

const MAX_PHRASES = 8
const MIN_WORDS = 5
const MAX_WORDS = 14

/**
 * Short phrases cut from a description: sentences, and long sentences cut at commas/semicolons/dashes into clauses
 * of 5–14 words (longer clauses are cut to their first 14 words). At most 8, in order.
 */
export function descriptionPhrases(description: string): string[] {
  const out: string[] = []
  const sentences = description
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
  for (const sentence of sentences) {
    const words = sentence.split(' ')
    const pieces = words.length <= MAX_WORDS ? [sentence] : sentence.split(/\s*(?:[,;:]|\s-+|--|—)\s+/)
    for (const piece of pieces) {
      const clean = piece.replace(/^[\s"'(]+|[\s"'.,;:!?)]+$/g, '')
      const w = clean.split(' ').filter(Boolean)
      if (w.length < MIN_WORDS) continue
      out.push(w.length > MAX_WORDS ? `${w.slice(0, MAX_WORDS).join(' ')}…` : clean)
      if (out.length >= MAX_PHRASES) return out
    }
  }
  return out
}
