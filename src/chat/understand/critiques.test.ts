import { describe, expect, it } from 'vitest'
import { runPass } from './pass-fixture.ts'

describe('critiques pass', () => {
  it('turns a comparative into signed wishes', () => {
    const { findings } = runPass('critiques', 'something funnier')
    expect(findings.preferences).toEqual([
      { text: 'funny lighthearted feel-good comedy', weight: 1 },
      { text: 'dark depressing grim', weight: -0.5 },
    ])
  })

  it('reads a refused quality as a push away from it', () => {
    expect(runPass('critiques', 'nothing too violent').findings.preferences).toEqual([
      { text: 'violent gory brutal bloody', weight: -1 },
    ])
  })
})
