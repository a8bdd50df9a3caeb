import { describe, expect, it } from 'vitest'
import { blendFor } from './scoring.ts'
import { DEFAULT_WEIGHTS, mergeBlend } from './weights.ts'

describe('blendFor without a collaborative model', () => {
  it('weighs the text parts by their settings for a catalogue of words alone', () => {
    const ends = mergeBlend({ lexicalAlone: 1.5 })
    expect(blendFor(ends, 0, false).semantic).toBe(DEFAULT_WEIGHTS.semanticAlone)
    expect(blendFor(ends, 0, false).lexical).toBe(1.5)
    // With a model, the open weights as fitted.
    expect(blendFor(ends, 0, true).lexical).toBe(DEFAULT_WEIGHTS.lexical)
  })

  it('keeps them at both ends of the request-dependent blend', () => {
    const ends = mergeBlend({ specificity: 1 })
    expect(blendFor(ends, 1, false).lexical).toBe(DEFAULT_WEIGHTS.lexicalAlone)
    expect(blendFor(ends, 1, true).lexical).toBe(ends.specific.lexical)
  })

  it('weighs the label votes only without a model, so a catalogue with one (the movie demo) is unchanged', () => {
    const ends = mergeBlend({})
    expect(blendFor(ends, 0, false).labelMatch).toBe(DEFAULT_WEIGHTS.labelMatchAlone)
    expect(blendFor(ends, 1, false).labelMatch).toBe(DEFAULT_WEIGHTS.labelMatchAlone)
    expect(DEFAULT_WEIGHTS.labelMatchAlone).toBeGreaterThan(0)
    expect(blendFor(ends, 0, true).labelMatch).toBe(0)
    expect(blendFor(ends, 1, true).labelMatch).toBe(0)
  })
})
