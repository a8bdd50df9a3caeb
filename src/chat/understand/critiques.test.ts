import { describe, expect, it } from 'vitest'
import { loadDomainProfile } from '../../domain/index.ts'
import { fixtureEnv, runPass } from './pass-fixture.ts'

describe('critiques pass', () => {
  it('turns a comparative into signed wishes, each with the words said for it', () => {
    const { findings } = runPass('critiques', 'something funnier')
    expect(findings.preferences).toEqual([
      // The catalogue's category it leans toward rides on the pull, not on the push.
      { text: 'funny lighthearted feel-good comedy', weight: 1, said: 'funnier', lean: ['Comedy'] },
      { text: 'dark depressing grim', weight: -0.5, said: 'funnier' },
    ])
  })

  it.each([
    ['something gentler', 'gentler'],
    ['a bit gentler please', 'a bit gentler'],
    ['less intense', 'less intense'],
    ['something a little softer', 'a little softer'],
    ['not so intense', 'not so intense'],
  ])('reads "%s" as a critique: toward warm films, away from intense ones, said "%s"', (text, said) => {
    const { findings } = runPass('critiques', text)
    expect(findings.preferences).toEqual([
      { text: 'heartwarming feel-good', weight: 1, said },
      { text: 'intense violent brutal tense', weight: -1, said },
    ])
  })

  it('keeps the words as the message writes them, and a critique said twice once', () => {
    const { findings } = runPass('critiques', 'Something Funnier and LIGHTER, please')
    expect(findings.preferences).toEqual([
      { text: 'funny lighthearted feel-good comedy', weight: 1, said: 'Funnier and LIGHTER', lean: ['Comedy'] },
      { text: 'dark depressing grim', weight: -0.5, said: 'Funnier and LIGHTER' },
    ])
  })

  it('reads the critiques of the domain: a lighter program is lightweight, not funny', () => {
    const software = fixtureEnv({ profile: loadDomainProfile('software') })
    expect(runPass('critiques', 'a lighter text editor', software).findings.preferences).toEqual([
      { text: 'lightweight minimal fast', weight: 1, said: 'lighter' },
    ])
    // A profile without critiques reads none: the word stays in the wish.
    const generic = fixtureEnv({ profile: loadDomainProfile('generic') })
    expect(runPass('critiques', 'something funnier', generic).findings.preferences).toEqual([])
    expect(runPass('wishes', 'something funnier', generic).findings.preferences).toEqual([{ text: 'funnier', weight: 1 }])
  })

  it('reads a refused quality as a push away from it', () => {
    expect(runPass('critiques', 'nothing too violent').findings.preferences).toEqual([
      { text: 'violent gory brutal bloody', weight: -1, said: 'nothing too violent' },
    ])
  })
})
