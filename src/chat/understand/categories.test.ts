import { describe, expect, it } from 'vitest'
import { runPass } from './pass-fixture.ts'

const read = (text: string) => runPass('categories', text).findings

describe('categories pass', () => {
  it('asks for words said together as all of them', () => {
    expect(read('a romantic comedy')).toMatchObject({ include: ['Romance', 'Comedy'], includeAll: [['Romance'], ['Comedy']] })
  })

  it('refuses a category after a negator or before a dislike', () => {
    expect(read('no horror please')).toMatchObject({ include: [], exclude: ['Horror', 'Thriller'] })
    expect(read('romance movies are boring').exclude).toEqual(['Romance'])
  })

  it('sets no filter from a clause that describes a film', () => {
    expect(read('it was scary')).toMatchObject({ include: [], exclude: [] })
  })

  it('rules out horror for a feel-good film', () => {
    expect(read('a feel-good drama').exclude).toContain('Horror')
  })
})
