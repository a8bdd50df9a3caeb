import { describe, expect, it } from 'vitest'
import { asWritten, writtenIn } from './replies.ts'

describe('asWritten', () => {
  it('finds a lower-cased wish in the message and returns the message’s spelling', () => {
    expect(asWritten('road trip across america', 'something about a road trip across America')).toBe('road trip across America')
    expect(asWritten('funny heist', 'A Funny  Heist movie from the 90s')).toBe('Funny Heist')
    expect(asWritten('road trip', 'a Road-Trip movie')).toBe('Road-Trip')
  })

  it('keeps the wish when the message does not hold its words side by side', () => {
    expect(asWritten('heist, cold war', 'a heist. Or the Cold War')).toBe('heist, cold war')
    expect(asWritten('war', 'a Warhol documentary')).toBe('war')
    expect(asWritten('', 'anything')).toBe('')
    expect(writtenIn('war', 'a Warhol documentary')).toBeUndefined()
    expect(writtenIn('superhero', 'no Superhero films')).toBe('Superhero')
  })
})
