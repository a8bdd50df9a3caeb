import { describe, expect, it } from 'vitest'
import { runPasses } from './index.ts'
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

  it('reads "older" and "newer" beside a title asked for or liked against that title\'s year', () => {
    const read = (text: string, env = fixtureEnv()) => runPasses(text, env).findings.era
    // Not "from 2013 on", the catalogue's last years: newer than The Godfather (1972), older than it.
    expect(read('something like the godfather but more recent')).toEqual({ min: 1973 })
    expect(read('like the godfather but older')).toEqual({ max: 1971 })
    // Newer than the newest liked, even when something was shown.
    const shown = fixtureEnv({ lastShown: ['1', '1721', '8533'] })
    expect(read('I loved Titanic and The Notebook, something more recent', shown)).toEqual({ min: 2005 })
    // An exact era, a refused one or no title: as before.
    expect(read('like titanic but from the 80s')).toEqual({ min: 1980, max: 1989 })
    expect(read('like the godfather but nothing older')).toEqual({ min: 1990 })
    expect(read('something more recent')).toEqual({ min: 2013 })
    // Nothing is newer than the catalogue's newest film: the catalogue's last years stand.
    expect(read('like shooter but newer', fixtureEnv({ maxYear: 2007 }))).toEqual({ min: 2002 })
  })

  it('flips a refused era and leaves a story setting to the wishes', () => {
    expect(era('nothing recent')).toEqual({ max: 2012 })
    expect(era('a film set in the 1920s')).toBeUndefined()
  })
})
