import { describe, expect, it } from 'vitest'
import { fixtureEnv, runPass } from './pass-fixture.ts'

describe('intent pass', () => {
  it('reads greetings, thanks and help when nothing is asked', () => {
    expect(runPass('intent', 'hi there').findings.intent).toBe('greeting')
    expect(runPass('intent', 'thanks so much').findings.intent).toBe('thanks')
    expect(runPass('intent', 'what can you do?').findings.intent).toBe('help')
    expect(runPass('intent', 'hi, something funny').findings.intent).toBe('request')
  })

  it('reads a question about the film in focus and ends the reading', () => {
    const state = runPass('intent', "what's it about?", fixtureEnv({ focus: '858', lastShown: ['858', '1'] }))
    expect(state.findings).toMatchObject({ intent: 'about', about: '858' })
    expect(state.done).toBe(true)
  })
})
