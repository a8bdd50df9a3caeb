import { describe, expect, it } from 'vitest'
import type { ExtractedPreferences } from './client.ts'
import { mergeReadings, type RuleReading } from './merge.ts'

const nothing: ExtractedPreferences = {
  likes: [],
  dislikes: [],
  includeCategories: [],
  excludeCategories: [],
  era: null,
  mood: [],
}
const rule = (extra: Partial<RuleReading> = {}): RuleReading & { text: string } => ({
  text: 'message',
  include: [],
  exclude: [],
  preferences: [],
  ...extra,
})
const catalogue: Record<string, string[]> = { heat: ['2'], alien: ['3'], 'the thing': ['10', '99'] }
const lookup = (title: string) => catalogue[title.toLowerCase()] ?? []

describe('mergeReadings', () => {
  it('returns the rule reading unchanged without an LLM reading', () => {
    const r = rule({ include: ['Comedy'] })
    expect(mergeReadings(r, undefined)).toEqual({ reading: r, likes: [], dislikes: [] })
  })

  it('takes the LLM categories and era only where the rules found none', () => {
    const llm = {
      ...nothing,
      includeCategories: ['Drama', 'Horror'],
      excludeCategories: ['Horror'],
      era: { from: 1990, to: 1999 },
    }
    const fromLlm = mergeReadings(rule(), llm).reading
    expect(fromLlm).toMatchObject({ include: ['Drama'], exclude: ['Horror'], era: { min: 1990, max: 1999 } })
    const ruled = mergeReadings(rule({ include: ['Comedy'], era: { min: 2000 } }), llm).reading
    expect(ruled).toMatchObject({ include: ['Comedy'], exclude: ['Horror'], era: { min: 2000 } })
    expect(ruled.text).toBe('message')
  })

  it('never excludes what the rules include, and drops an implausible era', () => {
    const llm = { ...nothing, excludeCategories: ['comedy'], era: { from: 2010, to: 1990 } }
    const merged = mergeReadings(rule({ include: ['Comedy'] }), llm).reading
    expect(merged.exclude).toEqual([])
    expect(merged.era).toBeUndefined()
    expect(mergeReadings(rule(), { ...nothing, era: { from: 3000, to: null } }).reading.era).toBeUndefined()
  })

  it('adds moods as wishes unless a rule wish already says them', () => {
    const llm = { ...nothing, mood: ['road trip', 'feel-good', 'Feel-good', 'space', 'slow-burn', 'quirky'] }
    const merged = mergeReadings(rule({ preferences: [{ text: 'a road trip movie', weight: 1 }] }), llm).reading
    expect(merged.preferences).toEqual([
      { text: 'a road trip movie', weight: 1 },
      { text: 'feel-good', weight: 1 },
      { text: 'space', weight: 1 },
      { text: 'slow-burn', weight: 1 },
    ])
  })

  it('keeps a title only when it names exactly one catalogue item the rules did not find', () => {
    const llm = { ...nothing, likes: ['Heat', 'Alien', 'The Thing', 'Inception'], dislikes: ['Heat', 'alien'] }
    const merged = mergeReadings(rule(), llm, { lookup, named: new Set(['3']) })
    expect(merged.likes).toEqual(['2'])
    expect(merged.dislikes).toEqual([])
    expect(mergeReadings(rule(), llm).likes).toEqual([])
  })
})
