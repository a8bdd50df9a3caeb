import { describe, expect, it } from 'vitest'
import { loadDomainProfile } from '../../domain/index.ts'
import { fixtureEnv, runPass } from './pass-fixture.ts'

const generic = loadDomainProfile('generic')
const software = loadDomainProfile('software')
const shown = (profile = generic) => fixtureEnv({ profile, lastShown: ['1'], focus: '1', hasYears: false, hasRuntime: false })

describe('passes over a domain profile', () => {
  it('read consumption in the domain verbs', () => {
    for (const text of ["I've read it", 'I installed it', 'I use it']) {
      expect(runPass('sentiment', text, shown()).findings.references, text).toEqual([{ itemId: '1', action: 'seen' }])
    }
    expect(runPass('sentiment', "I haven't installed it yet", shown()).findings.references).toEqual([
      { itemId: '1', action: 'unseen' },
    ])
  })

  it('never filter a catalogue without years by an era word, and say which words were set aside', () => {
    for (const [text, words] of [
      ['something recent', 'recent'],
      ['an old school one', 'old school'],
      ['from the 90s', '90s'],
    ] as const) {
      const { findings } = runPass('eras', text, shown())
      expect(findings.era, text).toBeUndefined()
      expect(findings.eraIgnored, text).toBe(words)
    }
  })

  it('bind length words to the profile field, with its units', () => {
    const env = fixtureEnv({
      profile: software,
      facets: [{ kind: 'numeric', field: 'installed_size_kb', min: 1, max: 900000, itemCount: 9 }],
    })
    expect(runPass('quantities', 'something lightweight', env).findings.facets).toEqual([
      { field: 'installed_size_kb', max: 5000 },
    ])
    expect(runPass('quantities', 'under 100 MB please', env).findings.facets).toEqual([
      { field: 'installed_size_kb', max: 102400 },
    ])
    expect(runPass('quantities', 'nothing too long', env).findings.runtimeMax).toBeUndefined()
  })

  it('take the domain nouns as no wish of their own', () => {
    expect(runPass('wishes', 'a program for editing photos', fixtureEnv({ profile: software })).findings.preferences).toEqual([
      { text: 'editing photos', weight: 1 },
    ])
  })

  it('keep the movie words by default', () => {
    expect(runPass('quantities', 'nothing too long').findings.runtimeMax).toBe(100)
    expect(runPass('eras', 'classic movies').findings.era).toEqual({ max: 1979 })
    expect(runPass('eras', 'the new one').findings.era).toBeUndefined()
  })
})
