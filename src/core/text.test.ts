import { describe, expect, it } from 'vitest'
import { clipWords } from './text.ts'

describe('clipWords', () => {
  it('keeps text that fits', () => {
    expect(clipWords('A hacker learns the truth.', 26)).toBe('A hacker learns the truth.')
  })

  it('cuts after a whole word, within the limit with its ellipsis, and drops dangling punctuation', () => {
    const out = clipWords('Led by Woody, Andy’s toys live happily in his room.', 20)
    expect(out).toBe('Led by Woody…')
    expect(out.length).toBeLessThanOrEqual(20)
    expect(clipWords('one two three four', 15)).toBe('one two three…')
    expect(clipWords('one two three four', 14, '')).toBe('one two three')
  })

  it('cuts mid-word when the last space would waste more than half of the room', () => {
    expect(clipWords('Supercalifragilistic expialidocious', 10)).toBe('Supercali…')
    expect(clipWords('abc', 1)).toBe('')
  })
})
