import { describe, expect, it } from 'vitest'
import { fixtureEnv, runPass } from './pass-fixture.ts'

const knows = fixtureEnv({ knowsName: (name) => name === 'Tom Hanks' || name === 'Paris' })

describe('names pass', () => {
  it('keeps people the catalogue names and sets aside those it does not', () => {
    const { findings } = runPass('names', 'anything with Tom Hanks or starring Jeff Goldblum', knows)
    expect(findings.names).toEqual(['Tom Hanks'])
    expect(findings.unknownPeople).toEqual(['Jeff Goldblum'])
  })

  it('keeps a place only when the catalogue names it', () => {
    expect(runPass('names', 'a romance set in Paris', knows).findings.names).toEqual(['Paris'])
    expect(runPass('names', 'a romance set in Lisbon', knows).findings.names).toBeUndefined()
  })

  it('reads nothing without a way to look names up', () => {
    expect(runPass('names', 'anything with Tom Hanks').findings.unknownPeople).toBeUndefined()
  })
})
