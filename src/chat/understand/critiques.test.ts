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

  it.each(['something gentler', 'a bit gentler please', 'less intense', 'something a little softer', 'not so intense'])(
    'reads "%s" as a critique: toward warm films, away from intense ones',
    (text) => {
      const { findings } = runPass('critiques', text)
      expect(findings.preferences).toEqual([
        { text: 'heartwarming feel-good', weight: 1 },
        { text: 'intense violent brutal tense', weight: -1 },
      ])
    },
  )

  it('reads a refused quality as a push away from it', () => {
    expect(runPass('critiques', 'nothing too violent').findings.preferences).toEqual([
      { text: 'violent gory brutal bloody', weight: -1 },
    ])
  })
})
