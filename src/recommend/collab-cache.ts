import { type CollabScorer, type ItemId, LruCache } from '../core/index.ts'

/** Fold-in sets whose scores are kept: a conversation re-sends the same liked items turn after turn. */
const SCORED_SETS = 128

/**
 * The model with its latest scores remembered per fold-in list (in order). A turn scores the conversation's
 * liked items and each of the first few alone (the "people who liked X" reasons); later turns of the same
 * conversation mostly ask again. Callers only read the returned scores.
 */
export function rememberingScores(collab: CollabScorer): CollabScorer {
  const scored = new LruCache<string, Float32Array>(SCORED_SETS)
  return {
    name: collab.name,
    itemIds: collab.itemIds,
    score(liked: readonly ItemId[]): Float32Array {
      const key = liked.join('\u0000')
      let scores = scored.get(key)
      if (!scores) {
        scores = collab.score(liked)
        scored.set(key, scores)
      }
      return scores
    },
    close: () => collab.close(),
  }
}
