import { describe, expect, it } from 'vitest'
import { runPass } from './pass-fixture.ts'
import { visible } from './state.ts'

describe('controls pass', () => {
  it('reads a reset and consumes its words', () => {
    const state = runPass('controls', 'forget everything, something with Alien')
    expect(state.findings.reset).toBe(true)
    expect(visible(state)).not.toContain('forget everything')
  })

  it('reads a change of direction as dropping the filters too', () => {
    const { findings } = runPass('controls', 'something completely different please')
    expect(findings).toMatchObject({ changeDirection: true, dropFilters: false, reset: false })
  })

  it('does not take "different from" as a change of direction', () => {
    expect(runPass('controls', 'something different from Alien').findings.changeDirection).toBe(false)
  })
})
