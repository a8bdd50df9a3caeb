import { describe, expect, it } from 'vitest'
import { loadDomainProfile } from '../../domain/index.ts'
import { createCategoryLexicon } from '../categories.ts'
import { filmItems, fixtureEnv, runPass } from './pass-fixture.ts'

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

  it('rules out horror for a feel-good film, and for a gentle or comforting one, unless horror is asked for', () => {
    expect(read('a feel-good drama').exclude).toContain('Horror')
    expect(read('something gentle about a lighthouse keeper').exclude).toContain('Horror')
    expect(read('a cosy film to lift me up').exclude).toContain('Horror')
    expect(read('a gentle horror film').exclude).not.toContain('Horror')
  })

  // Issue 21: a category word is a filter when it names the kind of item or who it is for.
  it.each([
    ['a family movie', ['Children', 'Animation']],
    ['something for the whole family', ['Children', 'Animation']],
    ['a movie to watch with my kids', ['Children', 'Animation']],
    ['a kids movie', ['Children', 'Animation']],
    ['something for kids', ['Children', 'Animation']],
    ['a documentary about space', ['Documentary']],
    ['a funny movie', ['Comedy']],
    ['a horror film', ['Horror']],
    ['family-friendly please', ['Children', 'Animation']],
    ['an animated film for children', ['Animation', 'Children']],
    ['a comedy that makes fun of other movies', ['Comedy']],
    ['a dark castle horror film', ['Horror']],
    ['my kids love animated movies', ['Children', 'Animation']],
    ["my sister's kids love cartoons", ['Children', 'Animation']],
    ['something the kids would like', ['Children', 'Animation']],
  ])('filters "%s" by the kind or the audience named', (text, include) => {
    expect(read(text)).toMatchObject({ include, exclude: [] })
  })

  // … and part of the wish when it names people in the story, or a kind the item only pretends to be.
  it.each([
    ["someone's kid gets abducted", []],
    ['a family starting over in a new country', []],
    ['kids at a boarding school', []],
    ['a fake documentary played for laughs', ['Comedy']],
    ["a man's family is kidnapped", []],
    ['kids who run away', []],
    ['a family that lives in a lighthouse', []],
    ['the family moves to paris', []],
    ['a movie with a family in crisis', []],
  ])('reads "%s" as a wish, not a filter', (text, include) => {
    expect(read(text)).toMatchObject({ include, exclude: [] })
  })

  it("reads a catalogue's own category names as filters: only a profile's people words can be in a story", () => {
    const software = loadDomainProfile('software')
    const items = filmItems([
      ['1', 'Tux Racer', 2000, 'games|kids'],
      ['2', 'GCompris', 2000, 'education'],
    ])
    const env = { ...fixtureEnv({ profile: software }), lexicon: createCategoryLexicon(items, software) }
    expect(runPass('categories', 'a game for kids', env).findings.include).toEqual(['games', 'kids'])
    expect(runPass('categories', 'kids at school', env).findings.include).toEqual(['kids'])
  })

  it('refuses no category for people in a story refused', () => {
    expect(read('no movie where a kid dies')).toMatchObject({ include: [], exclude: [] })
    expect(read('no kids movies').exclude).toEqual(['Children'])
  })
})
