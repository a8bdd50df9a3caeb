import { describe, expect, it } from 'vitest'
import { runPasses } from './index.ts'
import { fixtureEnv } from './pass-fixture.ts'

/** Issue 21 part 5: what is understood needs evidence; a kind said in passing is a wish. */
const read = (text: string) => runPasses(text, fixtureEnv()).findings

describe('precision of understanding', () => {
  it('takes a near miss for a title only when the word typed is no word of the catalogue', () => {
    const u = read('something about a road trip across America')
    expect(u.mentions).toEqual([])
    // The wish is what was asked, not what a false title left of it.
    expect(u.preferences).toEqual([{ text: 'road trip across america', weight: 1 }])
    // A real typo still names the film.
    expect(read('I loved the Amercan').mentions.map((m) => m.mention.itemId)).toEqual(['88'])
  })

  it('reads lower-case words inside a longer phrase as the wish, not as a title', () => {
    for (const text of [
      'something set in the lone star state',
      'a movie where the ending turns everything upside down',
      "something for new year's eve with friends",
    ]) {
      expect(read(text).mentions, text).toEqual([])
      expect(read(text).preferences.length, text).toBeGreaterThan(0)
    }
    // Said as a title: after a cue, before a verb or a noun for films, ending the sentence, listed, or capitalised.
    const titled = (text: string) => read(text).mentions.map((m) => m.mention.itemId)
    expect(titled('something like titanic but about lone star')).toEqual(['1721'])
    expect(titled('i loved lone star')).toEqual(['92'])
    expect(titled('the dark knight was great')).toEqual(['95'])
    expect(titled('my favourite is the dark knight.')).toEqual(['95'])
    expect(titled('i loved titanic and the dark knight')).toEqual(['1721', '95'])
    expect(titled('Titanic and the dark knight are my favourites')).toEqual(['1721', '95'])
    expect(titled('something set in the Lone Star state')).toEqual(['92'])
  })

  it('reads "about" after a kind of film as its subject, not a title ("a comedy about high school")', () => {
    for (const text of ['a comedy about high school', 'a documentary about high school']) {
      expect(read(text).mentions, text).toEqual([])
      expect(read(text).preferences, text).toEqual([{ text: 'high school', weight: 1 }])
    }
    // Asked about as a film, it still is one.
    expect(read('what about high school?').mentions.map((m) => m.mention.itemId)).toEqual(['97'])
  })

  it('refuses only what follows "without" or "instead of", not the wish said before it', () => {
    expect(read('an old-fashioned film without any colour').preferences).toEqual([
      { text: 'old fashioned', weight: 1 },
      { text: 'colour', weight: -0.6 },
    ])
    expect(read('a film set in a house instead of a hotel').preferences).toEqual([
      { text: 'set in a house', weight: 1 },
      { text: 'hotel', weight: -0.6 },
    ])
    expect(read('a comedy without romance').preferences).toEqual([])
    expect(read('a comedy without romance').exclude).toEqual(['Romance'])
  })

  it('refuses what a refusal names, without the words refusing it', () => {
    expect(read("I'm tired of superhero movies").preferences).toEqual([{ text: 'superhero', weight: -0.6 }])
    expect(read('sick of sequels, something original').preferences).toContainEqual({ text: 'sequels', weight: -0.6 })
    // How much is refused is no part of what: the reply says back "gore", not "much gore".
    expect(read('a war film but nothing with too much gore').preferences).toContainEqual({ text: 'gore', weight: -0.6 })
    expect(read('not too many jump scares').preferences).toEqual([{ text: 'jump scares', weight: -0.6 }])
  })

  it('reads "doesn\'t" in a relative clause as a refusal, but not "doesn\'t have to" or "doesn\'t matter"', () => {
    // It asked for romance: "have any romance" was read as a wish for it.
    expect(read('a comedy that doesnt have any romance')).toMatchObject({ include: ['Comedy'], exclude: ['Romance'] })
    expect(read('a thriller that does not drag')).toMatchObject({
      include: ['Thriller'],
      preferences: [{ text: 'drag', weight: -0.6 }],
    })
    const scares = read("a horror film which doesn't rely on jump scares")
    expect(scares.include).toEqual(['Horror'])
    expect(scares.preferences).toEqual([{ text: 'rely on jump scares', weight: -0.6 }])
    expect(read("it doesn't have to be new, something funny")).toMatchObject({ include: ['Comedy'], exclude: [] })
    expect(read('it doesnt matter, anything with action')).toMatchObject({ include: ['Action'], preferences: [] })
  })

  it('refuses only what a relative clause refuses ("a scary movie that is not too gory"), not the kind asked for', () => {
    const scary = read('a scary movie that is not too gory')
    expect(scary).toMatchObject({ include: ['Horror'], exclude: [] })
    expect(scary.preferences).toContainEqual({ text: 'scary', weight: 1 })
    expect(scary.preferences.find((p) => p.weight < 0)?.text).toMatch(/gory/)
    expect(read("a romantic comedy which isn't too sappy")).toMatchObject({ include: ['Romance', 'Comedy'], exclude: [] })
    // What the clause refuses is still refused.
    expect(read('a movie that is not a comedy')).toMatchObject({ include: [], exclude: ['Comedy'] })
  })

  it('marks a wish that changes a title asked beside it ("like X but Y") as a contrast', () => {
    expect(read('something like Titanic but set in space').preferences).toEqual([
      { text: 'set in space', weight: 1, contrast: true },
    ])
    expect(read('a shipwreck story like titanic').preferences).toEqual([{ text: 'shipwreck story', weight: 1 }])
    // A liked film leads the conversation as it is; a "but" in a later sentence does not change the title.
    expect(read('I loved Titanic but I want something set in space').preferences[0]?.contrast).toBeUndefined()
    expect(read('something like Titanic. But set in space').preferences[0]?.contrast).toBeUndefined()
  })

  it("keeps whole a phrase the profile's search words know, common words and all", () => {
    expect(read('a film with hardly any dialogue').preferences).toEqual([{ text: 'hardly any dialogue', weight: 1 }])
    expect(read('a film where the characters talk to the audience').preferences).toEqual([
      { text: 'where the characters talk to the audience', weight: 1 },
    ])
  })

  it('never takes a lower-case "it" for the film It', () => {
    for (const text of ['something like it', 'i want to see it', 'a horror like it', 'is it scary?']) {
      expect(read(text).mentions, text).toEqual([])
    }
    expect(read('a movie like It').mentions).toHaveLength(1)
  })

  it('reads the subject of a story as a wish, not a category filter', () => {
    expect(read('a drama about a big family')).toMatchObject({ include: ['Drama'], exclude: [] })
    expect(read('a drama about a big family').preferences[0]?.text).toMatch(/big family$/)
    expect(read('a movie about the cold war')).toMatchObject({ include: [], preferences: [{ text: 'cold war', weight: 1 }] })
  })

  it('keeps talking in a wish ("talking animals"), and talking to the other side out of it', () => {
    expect(read('a movie with talking animals').preferences).toEqual([{ text: 'talking animals', weight: 1 }])
    expect(read('a film where a dog can talk').preferences[0]?.text).toMatch(/dog can talk$/)
    for (const text of [
      'it was fun talking with you!',
      'thanks for talking to me, talk to you later',
      'are you talking about the others?',
    ]) {
      expect(read(text).preferences, text).toEqual([])
    }
  })

  it('keeps who the film is for a filter even inside the subject, and out of the wish', () => {
    // A child's film, not The Terminator: the age said after "about" is the audience, not the story.
    expect(read('a film about a robot that my 8 year old would enjoy')).toMatchObject({
      include: ['Children', 'Animation'],
      preferences: [{ text: 'robot', weight: 1 }],
    })
    expect(read('something about dinosaurs for the kids')).toMatchObject({
      include: ['Children', 'Animation'],
      preferences: [{ text: 'dinosaurs', weight: 1 }],
    })
    expect(read('a robot movie for my 8 year old').preferences).toEqual([{ text: 'robot', weight: 1 }])
    // People in the story stay the wish: neither a filter nor left out.
    expect(read('a movie about kids at a boarding school')).toMatchObject({
      include: [],
      preferences: [{ text: 'kids at a boarding school', weight: 1 }],
    })
    expect(read('a film where a 10 year old saves the world').include).toEqual([])
  })

  it('reads a subject word said in passing as a wish, and the kind asked for as a filter', () => {
    const u = read('a funny heist movie from the 90s, no horror')
    expect(u.include).toEqual(['Comedy'])
    // Comedies that are also thrillers stay (Out of Sight): "no horror" refuses thrillers only when alone.
    expect(u.exclude).toEqual(['Horror'])
    expect(u.era).toEqual({ min: 1990, max: 1999 })
    expect(u.preferences).toEqual([{ text: 'funny heist', weight: 1 }])
    // Refused, a subject is a wish against it, not against its whole category: "not zombies" after "a horror movie"
    // keeps the horror films about ghosts.
    expect(read('no heist movies')).toMatchObject({ exclude: [], preferences: [{ text: 'heist', weight: -0.6 }] })
    expect(read('with ghosts, not zombies')).toMatchObject({
      exclude: [],
      preferences: [
        { text: 'ghosts', weight: 1 },
        { text: 'zombies', weight: -0.6 },
      ],
    })
    expect(read('a zombie movie')).toMatchObject({ include: [], preferences: [{ text: 'zombie', weight: 1 }] })
    // A studio is a subject too: "no pixar" after "an animated movie" refused every animated film.
    expect(read('no pixar')).toMatchObject({ exclude: [], preferences: [{ text: 'pixar', weight: -0.6 }] })
  })

  it('keeps a wish made of common words when it is the subject', () => {
    expect(read('a movie about first love').preferences).toEqual([{ text: 'first love', weight: 1 }])
    expect(read("I haven't seen anything about that one").preferences).toEqual([])
  })
})
