import { AppError } from '../core/index.ts'

/** Longest text accepted, in characters; longer input is a caller bug, not something to embed. */
export const MAX_TEXT_CHARS = 100_000

/** Throws `input.invalid` naming the first entry that is not a string, `input.too_large` for an oversized one. */
export function checkTexts(texts: readonly unknown[]): asserts texts is readonly string[] {
  if (!Array.isArray(texts)) throw new AppError('input.invalid', 'embed() expects an array of strings')
  texts.forEach((text, index) => {
    if (typeof text !== 'string') {
      throw new AppError('input.invalid', `Text ${index} to embed is not a string`, { details: { index, type: typeof text } })
    }
    if (text.length > MAX_TEXT_CHARS) {
      throw new AppError('input.too_large', `Text ${index} to embed has ${text.length} characters (max ${MAX_TEXT_CHARS})`, {
        details: { index, length: text.length, max: MAX_TEXT_CHARS },
      })
    }
  })
}

/**
 * Groups text indices into batches of similar length, longest first, so padding inside a batch stays small
 * and the slowest batches start first when workers share them out. A batch holds at most `batchSize` texts
 * and, beyond its first text, at most `tokenBudget` padded tokens.
 */
export function lengthSortedBatches(lengths: readonly number[], batchSize: number, tokenBudget: number): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[b]! - lengths[a]! || a - b)
  const batches: number[][] = []
  let current: number[] = []
  let width = 0
  for (const index of order) {
    const len = Math.max(1, lengths[index]!)
    const nextWidth = Math.max(width, len)
    if (current.length > 0 && (current.length >= batchSize || nextWidth * (current.length + 1) > tokenBudget)) {
      batches.push(current)
      current = []
      width = 0
    }
    current.push(index)
    width = Math.max(width, len)
  }
  if (current.length > 0) batches.push(current)
  return batches
}

/** A small least-recently-used map of text → vector, for repeated short queries (suggestion clicks, retries). */
export function createVectorLru(capacity: number): {
  get(text: string): Float32Array | undefined
  set(text: string, vector: Float32Array): void
} {
  const map = new Map<string, Float32Array>()
  return {
    get: (text) => {
      const hit = map.get(text)
      if (!hit) return undefined
      map.delete(text)
      map.set(text, hit)
      return hit.slice()
    },
    set: (text, vector) => {
      map.delete(text)
      map.set(text, vector.slice())
      if (map.size > capacity) map.delete(map.keys().next().value as string)
    },
  }
}
