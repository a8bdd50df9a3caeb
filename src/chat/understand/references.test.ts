import { describe, expect, it } from 'vitest'
import { fixtureEnv, runPass } from './pass-fixture.ts'

const shown = fixtureEnv({ lastShown: ['1', '858', '1721'] })

describe('references pass', () => {
  it('points at the shown items by position', () => {
    const ids = (text: string) => runPass('references', text, shown).pointed.map((p) => p.itemId)
    expect(ids('the second one')).toEqual(['858'])
    expect(ids('#3 looks good')).toEqual(['1721'])
    expect(ids('the last movie')).toEqual(['1721'])
  })

  it('does not take a span of time for a position', () => {
    expect(runPass('references', 'something from the last few years', shown).pointed).toEqual([])
  })

  it('does not take a name that opens with an ordinal for a position ("set during the first world war")', () => {
    // After "a war movie", "set during the first world war" was "more like" the first film shown.
    for (const text of ['set during the first world war', 'the second half of the century', 'love at first sight'])
      expect(runPass('references', text, shown).pointed, text).toEqual([])
    expect(runPass('references', 'the first was great', shown).pointed.map((p) => p.itemId)).toEqual(['1'])
  })

  it('answers a pending question by year or version', () => {
    const pending = fixtureEnv({ pending: { candidates: ['1214', '1200'], intent: 'like', mention: 'alien', turn: 1 } })
    expect(runPass('references', 'the 1986 one', pending).pointed).toMatchObject([{ itemId: '1200', fromPending: true }])
    expect(runPass('references', 'the original', pending).pointed).toMatchObject([{ itemId: '1214', fromPending: true }])
  })

  it('reads "them all" as every shown item', () => {
    expect(runPass('references', 'I liked them all', shown).pointed.map((p) => p.itemId)).toEqual(['1', '858', '1721'])
  })
})
