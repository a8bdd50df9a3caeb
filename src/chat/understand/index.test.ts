import { describe, expect, it } from 'vitest'
import { PASSES, runPasses } from './index.ts'
import { deepFreeze, fixtureEnv } from './pass-fixture.ts'
import { initialState } from './state.ts'

describe('understanding passes', () => {
  it('run in one explicit order, each named once', () => {
    const names = PASSES.map((p) => p.name)
    expect(new Set(names).size).toBe(names.length)
    // Titles come after everything that consumes words a title could be mistaken for, and before what reads clauses.
    expect(names.indexOf('controls')).toBeLessThan(names.indexOf('titles'))
    expect(names.indexOf('names')).toBeLessThan(names.indexOf('titles'))
    expect(names.indexOf('titles')).toBeLessThan(names.indexOf('sentiment'))
    expect(names.at(-1)).toBe('intent')
  })

  it('never change the state they are given', () => {
    const env = fixtureEnv({ lastShown: ['1', '858'], focus: '1' })
    const text = 'I loved Alien but not the second one, something funnier from the 90s, nothing too long, no horror'
    let state = deepFreeze(initialState(text))
    // A pass writing into its input would throw on the frozen state.
    for (const pass of PASSES) state = deepFreeze(pass.run(state, env))
    expect(state.findings.mentions.map((m) => m.action)).toEqual(['like'])
    expect(state.findings.era).toEqual({ min: 1990, max: 1999 })
  })

  it('stop at an empty message', () => {
    const state = runPasses('', fixtureEnv())
    expect(state.findings.intent).toBe('empty')
    expect(state.done).toBe(true)
  })
})
