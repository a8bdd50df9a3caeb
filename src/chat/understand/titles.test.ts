import { describe, expect, it } from 'vitest'
import { fixtureEnv, runPass } from './pass-fixture.ts'

describe('titles pass', () => {
  it('finds titles and consumes them', () => {
    const state = runPass('titles', 'I loved The Godfather and Titanic')
    expect(state.titles.map((t) => t.itemId)).toEqual(['858', '1721'])
  })

  it('does not read a consumed control word as a title typo', () => {
    expect(runPass('titles', 'something shorter').titles).toEqual([])
  })

  it('points "more like that" at the title just named, not the focus', () => {
    const state = runPass('titles', 'I loved Titanic, more like that', fixtureEnv({ focus: '1', lastShown: ['1'] }))
    expect(state.pointed.map((p) => p.itemId)).toEqual(['1721'])
  })
})
