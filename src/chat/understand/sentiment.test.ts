import { describe, expect, it } from 'vitest'
import { fixtureEnv, runPass } from './pass-fixture.ts'

const actions = (text: string, env = fixtureEnv()) => runPass('sentiment', text, env).findings.mentions.map((m) => m.action)

describe('sentiment pass', () => {
  it('reads each clause on its own', () => {
    expect(actions('I loved The Godfather but hated Titanic')).toEqual(['like', 'dislike'])
  })

  it('reads asking the other side as an anchor, and a refusal before a title as a rejection', () => {
    expect(actions('have you seen Titanic?')).toEqual(['anchor'])
    expect(actions('anything but Titanic')).toEqual(['reject'])
  })

  it('gives a reaction to the item pointed at', () => {
    const env = fixtureEnv({ lastShown: ['1', '858'] })
    expect(runPass('sentiment', 'seen the second one, loved it', env).findings.references).toEqual([
      { itemId: '858', action: 'seen' },
      { itemId: '858', action: 'like' },
    ])
  })

  it('marks a clause that describes a film', () => {
    const state = runPass('sentiment', 'it was scary')
    expect(state.readings.map((r) => r.describesItem)).toEqual([true])
  })
})
