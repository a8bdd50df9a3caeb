import { describe, expect, it } from 'vitest'
import { clipWords, numbersDisagree, smallNumbersIn } from './text.ts'

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

describe('smallNumbersIn and numbersDisagree', () => {
  it('reads small numbers however they are written, and leaves years and single letters alone', () => {
    expect([...smallNumbersIn('the second world war')]).toEqual([2])
    expect([...smallNumbersIn('In the last months of World War II')]).toEqual([2])
    expect([...smallNumbersIn('a ww1 film')]).toEqual([1])
    expect([...smallNumbersIn('two brothers and three sisters')]).toEqual([2, 3])
    expect(smallNumbersIn('a film from 1994, the 90s').size).toBe(0)
    expect(smallNumbersIn('I loved V for Vendetta').size).toBe(0)
  })

  it('says two texts disagree only when both state numbers and share none', () => {
    expect(numbersDisagree('first world war', 'World War II')).toBe(true)
    expect(numbersDisagree('world war 2', 'World War II')).toBe(false)
    expect(numbersDisagree('world war', 'World War II')).toBe(false)
    expect(numbersDisagree('the first world war', 'a soldier in the trenches')).toBe(false)
  })
})
