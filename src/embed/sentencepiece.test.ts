import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSentencePieceTokenizer, SPACE_MARK, type VocabEntry } from './sentencepiece.ts'
import { useModelDir } from './use-model.ts'

const reserved: VocabEntry[] = [
  ['<unk>', 0],
  ['<s>', 0],
  ['</s>', 0],
  ['x1', 0],
  ['x2', 0],
  ['x3', 0],
]

describe('createSentencePieceTokenizer', () => {
  it('picks the segmentation with the highest total score when pieces overlap', () => {
    const vocab: VocabEntry[] = [
      ...reserved,
      [`${SPACE_MARK}ab`, -1], // 6
      ['c', -1], // 7
      [`${SPACE_MARK}a`, -1], // 8
      ['bc', -0.5], // 9
      [SPACE_MARK, -2], // 10
      ['a', -3], // 11
      ['b', -3], // 12
    ]
    const tokenizer = createSentencePieceTokenizer(vocab)
    // ▁a + bc = -1.5 beats ▁ab + c = -2 and every single-character path.
    expect(tokenizer.encode('abc')).toEqual([8, 9])
  })

  it('maps uncovered characters to the unknown id and merges runs of them', () => {
    const vocab: VocabEntry[] = [...reserved, [SPACE_MARK, -1], ['a', -1], [`${SPACE_MARK}a`, -0.5]]
    const tokenizer = createSentencePieceTokenizer(vocab)
    expect(tokenizer.encode('a€€a')).toEqual([8, 0, 7])
    expect(tokenizer.encode('a  a')).toEqual(tokenizer.encode('a a'))
  })

  it('rejects a vocabulary that is not a list of pieces', () => {
    expect(() => createSentencePieceTokenizer([] as VocabEntry[])).toThrowError(
      expect.objectContaining({ code: 'embed.unavailable' }),
    )
  })

  describe('with the real USE-lite vocabulary', () => {
    const vocab = JSON.parse(readFileSync(join(useModelDir(), 'vocab.json'), 'utf8')) as VocabEntry[]
    const tokenizer = createSentencePieceTokenizer(vocab)

    it('splits text into pieces that spell it back with ▁ for spaces', () => {
      for (const text of [
        'The Godfather',
        'A cowboy doll is profoundly threatened by a spaceman.',
        'sci-fi 1990s, mind-bending!',
      ]) {
        const ids = tokenizer.encode(text)
        expect(ids.every((id) => id > 5 && id < vocab.length)).toBe(true)
        expect(ids.map((id) => vocab[id]![0]).join('')).toBe(SPACE_MARK + text.replaceAll(' ', SPACE_MARK))
      }
    })

    it('keeps common words whole', () => {
      const ids = tokenizer.encode('the family')
      expect(ids.map((id) => vocab[id]![0])).toEqual([`${SPACE_MARK}the`, `${SPACE_MARK}family`])
    })

    it('applies NFKC normalisation', () => {
      expect(tokenizer.encode('ﬁlm')).toEqual(tokenizer.encode('film'))
    })
  })
})
