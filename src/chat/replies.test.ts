import { describe, expect, it } from 'vitest'
import { asWritten, writtenIn } from './replies.ts'

describe('asWritten', () => {
  it('finds a lower-cased wish in the message and returns the message’s spelling', () => {
    expect(asWritten('road trip across america', 'something about a road trip across America')).toBe('road trip across America')
    expect(asWritten('funny heist', 'A Funny  Heist movie from the 90s')).toBe('Funny Heist')
    expect(asWritten('road trip', 'a Road-Trip movie')).toBe('Road-Trip')
  })

  it('quotes the words left out between a wish’s words within a clause, as written', () => {
    const message = 'an action movie that doesn’t take itself too seriously'
    expect(asWritten('doesn’t itself seriously', message)).toBe('doesn’t take itself too seriously')
    // Never across a sentence or a comma, and never more than a few words.
    expect(asWritten('heist war', 'a heist. Or a war')).toBe('heist war')
    expect(asWritten('space comedy', 'space, and a comedy')).toBe('space comedy')
    expect(asWritten('old film', 'an old and very long and slow black and white film')).toBe('old film')
  })

  it('keeps the wish when the message does not hold its words side by side', () => {
    expect(asWritten('heist, cold war', 'a heist. Or the Cold War')).toBe('heist, cold war')
    expect(asWritten('war', 'a Warhol documentary')).toBe('war')
    expect(asWritten('', 'anything')).toBe('')
    expect(writtenIn('war', 'a Warhol documentary')).toBeUndefined()
    expect(writtenIn('superhero', 'no Superhero films')).toBe('Superhero')
  })
})
