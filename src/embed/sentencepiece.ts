import { AppError } from '../core/index.ts'

/** One vocabulary entry as stored in USE-lite's vocab.json: the piece and its unigram log-probability. */
export type VocabEntry = [piece: string, score: number | null]

/** Word-boundary marker of SentencePiece: spaces become it, and it starts every text. */
export const SPACE_MARK = '\u2581'

/** USE-lite reserves the first ids (unknown, <s>, </s>, extra ids); only later pieces take part in segmentation. */
const RESERVED = 6
const UNK_ID = 0

/**
 * A SentencePiece unigram tokenizer: NFKC normalisation, spaces to ▁ with a leading ▁, then the segmentation
 * with the highest total piece score (Viterbi). Characters no piece covers become the unknown id, and a run
 * of unknowns collapses to one.
 */
export interface SentencePieceTokenizer {
  readonly vocabSize: number
  readonly unkId: number
  encode(text: string): number[]
}

export function createSentencePieceTokenizer(vocab: readonly VocabEntry[]): SentencePieceTokenizer {
  if (!Array.isArray(vocab) || vocab.length <= RESERVED) {
    throw new AppError('embed.unavailable', 'The SentencePiece vocabulary is empty or malformed', {
      details: { entries: Array.isArray(vocab) ? vocab.length : typeof vocab },
    })
  }
  const pieces = new Map<string, { id: number; score: number }>()
  let maxLen = 1
  let minScore = 0
  for (let id = RESERVED; id < vocab.length; id++) {
    const entry = vocab[id]
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') {
      throw new AppError('embed.unavailable', `SentencePiece vocabulary entry ${id} is not [piece, score]`, { details: { id } })
    }
    // A null score marks a user-defined piece (":", "://"); SentencePiece gives those score 0.
    const score = typeof entry[1] === 'number' ? entry[1] : 0
    pieces.set(entry[0], { id, score })
    maxLen = Math.max(maxLen, [...entry[0]].length)
    minScore = Math.min(minScore, score)
  }
  // Unknown characters cost more than any real piece, so they are used only where nothing else fits.
  const unkScore = minScore - 10

  const encode = (text: string): number[] => {
    const normalized = text.normalize('NFKC').replace(/\s+/g, ' ').trim()
    const symbols = Array.from(SPACE_MARK + normalized.replaceAll(' ', SPACE_MARK))
    const n = symbols.length
    const best = new Float64Array(n + 1).fill(Number.NEGATIVE_INFINITY)
    const backId = new Int32Array(n + 1)
    const backLen = new Int32Array(n + 1)
    best[0] = 0
    for (let start = 0; start < n; start++) {
      const base = best[start]!
      if (base === Number.NEGATIVE_INFINITY) continue
      let candidate = ''
      let coveredOne = false
      for (let len = 1; len <= maxLen && start + len <= n; len++) {
        candidate += symbols[start + len - 1]
        const piece = pieces.get(candidate)
        if (!piece) continue
        if (len === 1) coveredOne = true
        const score = base + piece.score
        if (score > best[start + len]!) {
          best[start + len] = score
          backId[start + len] = piece.id
          backLen[start + len] = len
        }
      }
      if (!coveredOne) {
        const score = base + unkScore
        if (score > best[start + 1]!) {
          best[start + 1] = score
          backId[start + 1] = UNK_ID
          backLen[start + 1] = 1
        }
      }
    }
    const ids: number[] = []
    for (let end = n; end > 0; end -= backLen[end]!) {
      const id = backId[end]!
      if (!(id === UNK_ID && ids[ids.length - 1] === UNK_ID)) ids.push(id)
    }
    return ids.reverse()
  }

  return { vocabSize: vocab.length, unkId: UNK_ID, encode }
}
