import { describe, expect, it } from 'vitest'
import { fixtureEnv, runPass } from './pass-fixture.ts'

const era = (text: string, env = fixtureEnv()) => runPass('eras', text, env).findings.era

describe('eras pass', () => {
  it('reads decades and years', () => {
    expect(era('something from the 90s')).toEqual({ min: 1990, max: 1999 })
    expect(era('early eighties please')).toEqual({ min: 1980, max: 1984 })
    expect(era('anything after 2010')).toEqual({ min: 2011 })
    expect(era('between 2001 and 1995')).toEqual({ min: 1995, max: 2001 })
  })

  it('lets an exact era win over a vague one', () => {
    expect(era('something older, from the 80s')).toEqual({ min: 1980, max: 1989 })
  })

  it('reads "older" and "newer" against what was shown', () => {
    const shown = fixtureEnv({ lastShown: ['1', '1721', '8533'] })
    expect(era('something older', shown)).toEqual({ max: 1996 })
    expect(era('newer', shown)).toEqual({ min: 1998 })
  })

  it('flips a refused era and leaves a story setting to the wishes', () => {
    expect(era('nothing recent')).toEqual({ max: 2012 })
    expect(era('a film set in the 1920s')).toBeUndefined()
  })
})
