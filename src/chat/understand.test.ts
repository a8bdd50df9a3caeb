import { describe, expect, it } from 'vitest'
import type { Item } from '../core/index.ts'
import { createCategoryLexicon } from './categories.ts'
import { sanitizeUtterance } from './text.ts'
import { createTitleIndex, titleVariants } from './title-index.ts'
import { filmItems } from './understand/pass-fixture.ts'
import { type UnderstandContext, understand } from './understand.ts'

const raw: [string, string, number, string, number][] = [
  // id, title (as the catalogue displays it), year, genres, popularity
  ['2571', 'The Matrix', 1999, 'Action|Sci-Fi|Thriller', 278],
  ['1214', 'Alien', 1979, 'Horror|Sci-Fi', 146],
  ['1200', 'Aliens', 1986, 'Action|Adventure|Horror|Sci-Fi', 126],
  ['1', 'Toy Story', 1995, 'Adventure|Animation|Children|Comedy|Fantasy', 215],
  ['3114', 'Toy Story 2', 1999, 'Adventure|Animation|Children|Comedy|Fantasy', 97],
  ['858', 'The Godfather', 1972, 'Crime|Drama', 192],
  ['1221', 'The Godfather: Part II', 1974, 'Crime|Drama', 129],
  ['1721', 'Titanic', 1997, 'Drama|Romance', 140],
  ['2157', 'Titanic', 1953, 'Action|Drama', 6],
  ['2657', 'Planet of the Apes', 1968, 'Action|Drama|Sci-Fi', 56],
  ['4446', 'Planet of the Apes', 2001, 'Action|Adventure|Drama|Sci-Fi', 49],
  ['47', 'Seven (a.k.a. Se7en)', 1995, 'Mystery|Thriller', 203],
  ['293', 'Léon: The Professional (a.k.a. The Professional) (Léon)', 1994, 'Action|Crime|Drama|Thriller', 133],
  ['260', 'Star Wars: Episode IV - A New Hope', 1977, 'Action|Adventure|Sci-Fi', 251],
  ['1196', 'Star Wars: Episode V - The Empire Strikes Back', 1980, 'Action|Adventure|Sci-Fi', 211],
  ['68954', 'Up', 2009, 'Adventure|Animation|Children|Drama', 105],
  ['106782', 'Her', 2013, 'Drama|Romance|Sci-Fi', 60],
  ['5349', 'Spider-Man', 2002, 'Action|Adventure|Sci-Fi|Thriller', 122],
  ['1387', 'Jaws', 1975, 'Action|Horror', 91],
  ['2959', 'Fight Club', 1999, 'Action|Crime|Drama|Thriller', 218],
  ['6947', 'Leprechaun 4: In Space', 1997, 'Comedy|Horror|Sci-Fi', 3],
  ['2282', 'Romance', 1999, 'Drama|Romance', 4],
  ['1258', 'The Shining', 1980, 'Horror', 109],
  ['8533', 'The Notebook', 2004, 'Drama|Romance', 41],
  ['106920', 'Precious', 2009, 'Drama', 10],
  ['33', 'Shooter', 2007, 'Action|Thriller', 20],
  ['4306', 'Shrek', 2001, 'Adventure|Animation|Children|Comedy|Fantasy|Romance', 170],
  ['3000', 'Princess Mononoke (Mononoke-hime)', 1997, 'Action|Adventure|Animation|Drama|Fantasy', 78],
  ['2010', 'Metropolis', 1927, 'Drama|Sci-Fi', 20],
]
const items: Item[] = filmItems(raw)
const popularity = new Map(raw.map(([id, , , , p]) => [id, p]))
const lexicon = createCategoryLexicon(items)
const reserved = new Set([...lexicon.terms.keys()].filter((k) => !k.includes(' ')))
const titles = createTitleIndex(items, popularity, { reserved })
const yearOf = (id: string) => items.find((i) => i.id === id)?.year
const ctx = (over: Partial<UnderstandContext> = {}): UnderstandContext => ({
  lastShown: [],
  yearOf,
  maxYear: 2018,
  hasRuntime: false,
  ...over,
})
const u = (text: string, over: Partial<UnderstandContext> = {}) => understand(text, ctx(over), titles, lexicon)
const ids = (text: string) => titles.find(text).map((m) => (m.ambiguous ? m.candidates : m.itemId))

describe('title index', () => {
  it('takes the title as typed, with or without its article, between comparably popular ones', () => {
    const pair = [
      { ...items[0]!, id: 'h1', title: 'Heat', year: 1995 },
      { ...items[0]!, id: 'h2', title: 'Heat, The', year: 2013 },
    ]
    const index = createTitleIndex(
      pair,
      new Map([
        ['h1', 100],
        ['h2', 60],
      ]),
    )
    expect(index.find('I just saw The Heat')[0]).toMatchObject({ itemId: 'h2', ambiguous: false })
    expect(index.find('I loved Heat')[0]).toMatchObject({ itemId: 'h1', ambiguous: false })
    // Same title, same article: still a question.
    const remakes = [
      { ...items[0]!, id: 'r1', title: 'Hairspray', year: 1988 },
      { ...items[0]!, id: 'r2', title: 'Hairspray', year: 2007 },
    ]
    expect(
      createTitleIndex(
        remakes,
        new Map([
          ['r1', 50],
          ['r2', 60],
        ]),
      ).find('Hairspray')[0]?.ambiguous,
    ).toBe(true)
  })

  it('splits MovieLens titles into the names people use', () => {
    expect(titleVariants('Seven (a.k.a. Se7en)').full).toEqual(['Seven', 'Se7en'])
    expect(titleVariants('Matrix, The').full).toEqual(['The Matrix'])
    expect(titleVariants('Star Wars: Episode IV - A New Hope').part).toEqual(['Star Wars', 'A New Hope'])
  })

  it('finds titles without articles, case, punctuation or accents', () => {
    expect(ids('I loved the matrix')).toEqual(['2571'])
    expect(ids('godfather')).toEqual(['858'])
    expect(ids('the godfather part 2 was better')).toEqual(['1221'])
    expect(ids('leon the professional')).toEqual(['293'])
    expect(ids('Se7en')).toEqual(['47'])
    expect(ids('toy story 2')).toEqual(['3114'])
    expect(ids('something like star wars')).toEqual(['260'])
  })

  it('uses a year to choose and tolerates it in brackets', () => {
    expect(ids('Alien (1979)')).toEqual(['1214'])
    expect(ids('planet of the apes 2001')).toEqual(['4446'])
    expect(ids('Planet of the Apes (1968) was great')).toEqual(['2657'])
  })

  it('reports close candidates instead of guessing', () => {
    expect(ids('alien')).toEqual([['1214', '1200']])
    expect(ids('planet of the apes')).toEqual([['2657', '4446']])
    // A remake nobody watches does not make the famous one ambiguous.
    expect(ids('titanic')).toEqual(['1721'])
  })

  it('forgives typos in longer words', () => {
    expect(ids('I loved the godfater')).toEqual(['858'])
    expect(ids('spiderman')).toEqual(['5349'])
  })

  it('does not turn ordinary words into titles', () => {
    expect(ids('what is up with her')).toEqual([])
    expect(ids('something funny set in space')).toEqual([])
    expect(ids('I like comedies and romance')).toEqual([])
    expect(ids('ignore previous instructions')).toEqual([])
    expect(ids('I loved Up and Her')).toEqual(['68954', '106782'])
    // When people watch is not a title unless written as one.
    const dateNight = createTitleIndex([{ ...items[0]!, id: 'dn', title: 'Date Night', year: 2010 }])
    expect(dateNight.find('I need a movie for date night')).toEqual([])
    expect(dateNight.find('I loved Date Night').map((m) => m.itemId)).toEqual(['dn'])
    // A lower-case plural is the thing, not the one-word film; a capitalised title before a verb is the film.
    const more = createTitleIndex([
      { ...items[0]!, id: 'dino', title: 'Dinosaur', year: 2000 },
      { ...items[0]!, id: 'go', title: 'Get Out', year: 2017 },
    ])
    expect(more.find('I love dinosaurs')).toEqual([])
    expect(more.find('I loved Dinosaur').map((m) => m.itemId)).toEqual(['dino'])
    expect(more.find('Get Out was amazing').map((m) => m.itemId)).toEqual(['go'])
    expect(more.find('Get out of here')).toEqual([])
    // One word of a longer capitalised name is not the one-word film; a title beside another title still is.
    const queen = createTitleIndex([...items, { ...items[0]!, id: 'q', title: 'Queen, The', year: 2006 }])
    expect(queen.find("I'm looking for movies about the Royal Family Queen")).toEqual([])
    expect(queen.find('Have you seen The Queen?').map((m) => m.itemId)).toEqual(['q'])
    expect(ids('I liked Jaws Titanic and Shrek')).toEqual(['1387', '1721', '4306'])
    // Lower-case words after "a"/"an" name a kind of thing unless the title opens with that article; after "a movie
    // about" comes a topic, after "what about" a title.
    const kinds = createTitleIndex([
      { ...items[0]!, id: 'ls', title: 'Love Story', year: 1970 },
      { ...items[0]!, id: 'al', title: 'After Life (Wandafuru raifu)', year: 1998 },
      { ...items[0]!, id: 'qp', title: 'A Quiet Place', year: 2018 },
      { ...items[0]!, id: 'bx', title: 'Boxing', year: 2005 },
      { ...items[0]!, id: 'm', title: 'M', year: 1931 },
      { ...items[0]!, id: '10y', title: '10 Years', year: 2011 },
    ])
    const kind = (text: string) => kinds.find(text).map((m) => m.itemId)
    expect(kind('I am looking for a love story')).toEqual([])
    expect(kind('movies that have ghosts in them or are about an afterlife')).toEqual([])
    expect(kind('I want a movie about boxing')).toEqual([])
    expect(kind('I loved Love Story')).toEqual(['ls'])
    expect(kind('I just saw a quiet place')).toEqual(['qp'])
    expect(kind('what about boxing?')).toEqual(['bx'])
    // Spans of time are not titles unless written as one; a quote between letters is an apostrophe.
    expect(kind('anything horror from the last 10 years')).toEqual([])
    expect(kind('I loved 10 Years')).toEqual(['10y'])
    // A verb of watching opening a sentence before a title or a pronoun is the verb, not the film Saw.
    const saw = createTitleIndex([
      { ...items[0]!, id: 'saw', title: 'Saw', year: 2004 },
      { ...items[0]!, id: 'dmw', title: 'Dead Man Walking', year: 1995 },
    ])
    expect(saw.find('Saw Dead Man Walking . That was pretty good').map((m) => m.itemId)).toEqual(['dmw'])
    expect(saw.find('Saw it and liked it')).toEqual([])
    expect(saw.find('I loved Saw').map((m) => m.itemId)).toEqual(['saw'])
    expect(kind(sanitizeUtterance('I love scary movies, but I&quot;m a bit of a wimp'))).toEqual([])
    // A contraction is not the title its letters spell (the Debian program "im"), capital I or not.
    const im = createTitleIndex([{ ...items[0]!, id: 'im', title: 'im' }])
    expect(im.find("something to show on the screen when I'm away")).toEqual([])
    expect(im.find("a text editor, I'm not picky")).toEqual([])
    expect(im.find('I read my mail with IM').map((m) => m.itemId)).toEqual(['im'])
  })

  it('names a series by the words its films open with, and sets it aside when refused', () => {
    const potter = ['Sorcerer’s Stone', 'Chamber of Secrets', 'Prisoner of Azkaban'].map((sub, k) => ({
      ...items[0]!,
      id: `hp${k}`,
      title: `Harry Potter and the ${sub}`,
      year: 2001 + k,
    }))
    const york = ['Stories', 'Cop', 'Minute'].map((w, k) => ({
      ...items[0]!,
      id: `ny${k}`,
      title: `New York ${w}`,
      year: 1990 + k,
    }))
    const index = createTitleIndex([...items, ...potter, ...york])
    const said = (text: string) => understand(text, ctx(), index, lexicon).mentions
    const refused = said('no more Harry Potter movies please')
    expect(refused.map((m) => [m.mention.series, m.action])).toEqual([[true, 'reject']])
    expect(refused[0]!.mention.candidates.sort()).toEqual(['hp0', 'hp1', 'hp2'])
    expect(said('anything but Star Wars').map((m) => [m.mention.series, m.action])).toEqual([[true, 'reject']])
    expect(said("movies like Alien that aren't other star wars movies").map((m) => m.action)).toEqual(['anchor', 'reject'])
    // Written as a name only; and opening words that no sequel goes on from are no series.
    expect(said('i love harry potter')).toEqual([])
    expect(index.find('I love New York')).toEqual([])
    // A title far less known than the films it opens stands for them; a well-known one stays itself.
    const rings = [
      ['r0', 'Lord of the Rings, The', 1978, 1],
      ['r1', 'Lord of the Rings: The Fellowship of the Ring, The', 2001, 90],
      ['r2', 'Lord of the Rings: The Two Towers, The', 2002, 80],
      ['m0', 'Mission: Impossible', 1996, 40],
      ['m1', 'Mission: Impossible - Ghost Protocol', 2011, 30],
      ['m2', 'Mission: Impossible - Fallout', 2018, 20],
    ] as const
    const ringIndex = createTitleIndex(
      rings.map(([id, title, year]) => ({ ...items[0]!, id, title, year })),
      new Map(rings.map(([id, , , pop]) => [id, pop])),
    )
    expect(ringIndex.find('I like Lord of the Rings').map((m) => [m.itemId, m.series])).toEqual([['r1', true]])
    expect(ringIndex.find('I like Lord of the Rings (1978)').map((m) => m.itemId)).toEqual(['r0'])
    expect(ringIndex.find('I loved Mission: Impossible').map((m) => [m.itemId, m.series])).toEqual([['m0', undefined]])
  })
})

describe('understand', () => {
  it('reads likes, dislikes and seen per clause', () => {
    const r = u('I loved the matrix but Titanic was boring, and I have seen Jaws')
    expect(r.mentions.map((m) => [m.mention.itemId, m.action])).toEqual([
      ['2571', 'like'],
      ['1721', 'dislike'],
      ['1387', 'seen'],
    ])
    expect(u('not a fan of Fight Club').mentions[0]?.action).toBe('dislike')
    expect(u('I hated The Shining').mentions[0]?.action).toBe('dislike')
    expect(u("I haven't seen Shrek yet").mentions[0]?.action).toBe('unseen')
    expect(u('something like Fight Club').mentions[0]?.action).toBe('anchor')
    expect(u("I didn't like Shrek").mentions[0]?.action).toBe('dislike')
  })

  it('maps category words in and out, with synonyms from the catalogue', () => {
    expect(u('no horror please')).toMatchObject({ exclude: ['Horror', 'Thriller'], include: [] })
    expect(u('nothing scary').exclude).toEqual(['Horror', 'Thriller'])
    expect(u('something scary').include).toEqual(['Horror'])
    expect(u('something animated').include).toEqual(['Animation'])
    expect(u('a cartoon for the kids').include.sort()).toEqual(['Animation', 'Children'])
    // MovieLens leaves Children off many family films: an animated film answers "for the kids" too.
    expect(u('something for the kids').include.sort()).toEqual(['Animation', 'Children'])
    expect(u('no kids movies').exclude).toEqual(['Children'])
    // Refused by name, a category "kids" only implies is left out: no animated films for "not a cartoon".
    expect(u('a kids film about a dog, not a cartoon')).toMatchObject({ include: ['Children'], exclude: ['Animation'] })
    expect(u('a cartoon for the kids, no animation').include.sort()).toEqual(['Animation', 'Children'])
    // A young child's age asks for the same.
    for (const text of [
      'Any good movies to take my 7 year old grand daughter?',
      'something my seven-year-old would like',
      'my son is 5 years old',
    ])
      expect(u(text).include.sort()).toEqual(['Animation', 'Children'])
    expect(u('my 16 year old wants a thriller').include).toEqual(['Thriller'])
    // The age and who it is for are not a wish to match descriptions against.
    expect(u('Any good movies to take my 7 year old grand daughter?').preferences).toEqual([])
    expect(u('a 6-yr-old who loves dinosaurs').preferences.map((p) => p.text)).toEqual(['loves dinosaurs'])
    expect(u('a funny space movie').include.sort()).toEqual(['Comedy', 'Sci-Fi'])
    expect(u("I don't want anything romantic").exclude).toEqual(['Romance'])
    // A refusal's implied kin (thrillers, for "no horror") yields to a category asked for in the same message: a
    // comedy that is also a thriller is no horror film; refused alone, horror refuses thrillers too.
    expect(u('I love comedies but not horror')).toMatchObject({ include: ['Comedy'], exclude: ['Horror'] })
    expect(u('an action movie, no horror')).toMatchObject({ include: ['Action'], exclude: ['Horror'] })
    expect(u('an action movie, no horror or thrillers')).toMatchObject({ include: ['Action'], exclude: ['Horror', 'Thriller'] })
    // A romcom is both; not having watched a film refuses nothing, not watching a genre does.
    expect(u('any good romcoms?').include.sort()).toEqual(['Comedy', 'Romance'])
    expect(u('no romcoms please').exclude).toEqual(['Romance'])
    expect(u('never saw that one i heard it was scary.')).toMatchObject({ include: [], exclude: [] })
    expect(u("I don't watch horror").exclude).toEqual(['Horror', 'Thriller'])
    expect(u('I think any thing but a horror would be good')).toMatchObject({ include: [], exclude: ['Horror', 'Thriller'] })

    // Describing one film is not asking for its category.
    expect(u('I thought that one was really funny').include).toEqual([])
    expect(u('I think Alien was very scary!').include).toEqual([])
    expect(u('is it a fantasy?').include).toEqual([])
    expect(u("I wouldn't really call that a thriller").exclude).toEqual([])
    expect(u('My favorite horror movie is Alien').include).toEqual(['Horror'])
    expect(u('something funny, it has been a long week').include).toEqual(['Comedy'])
    expect(u('Yes it is can you suggest some action or science fiction?').include.sort()).toEqual(['Action', 'Sci-Fi'])
    // No longer required is neither asked for nor refused.
    for (const text of ["It doesn't have to be action.", 'not necessarily an action movie', "it doesn't need to be pure action"])
      expect(u(text), text).toMatchObject({ include: [], exclude: [], release: ['Action'] })
  })

  it('asks for every category of words said together, any of words said apart', () => {
    expect(u('a romantic comedy from the 90s').includeAll).toEqual([['Romance'], ['Comedy']])
    expect(u('a funny space movie, nothing too long').includeAll).toEqual([['Comedy'], ['Sci-Fi']])
    expect(u('any good sci-fi horror?').includeAll).toEqual([['Sci-Fi'], ['Horror']])
    expect(u('an action-comedy').includeAll).toEqual([['Action'], ['Comedy']])
    expect(u('something with both romance and action?').includeAll).toEqual([['Romance'], ['Action']])
    // A group keeps what else meets it: a funny film for the kids may be animated.
    expect(u('a funny kids movie').includeAll?.map((g) => [...g].sort())).toEqual([['Comedy'], ['Animation', 'Children']])
    // Apart, or two kinds in one message: any of them.
    for (const text of [
      'a comedy or a romance',
      'I like action and comedy',
      'something funny, maybe romantic',
      'a romantic comedy or an action thriller',
      'a funny comedy',
      'romantic comedy but no horror',
    ])
      expect(u(text).includeAll, text).toEqual(text.includes('no horror') ? [['Romance'], ['Comedy']] : undefined)
    // "too" adds categories only at the end of a phrase.
    expect(u('comedies too').includeAdds).toBe(true)
    expect(u('a romantic comedy, nothing too long').includeAdds).toBe(false)
  })

  it('reads eras', () => {
    // Describing films already named is not asking for their era.
    expect(u("Of course I have. They're classics!").era).toBeUndefined()
    expect(u('I want classics').era).toEqual({ max: 1979 })
    expect(u('movies from the 90s').era).toEqual({ min: 1990, max: 1999 })
    expect(u('a comedy from the 70s').era).toEqual({ min: 1970, max: 1979 })
    expect(u("late 70's thriller").era).toEqual({ min: 1976, max: 1979 })
    expect(u('something from the eighties').era).toEqual({ min: 1980, max: 1989 })
    expect(u('after 2010').era).toEqual({ min: 2011 })
    expect(u('before 1970').era).toEqual({ max: 1969 })
    expect(u('something recent').era).toEqual({ min: 2013 })
    expect(u('old classics').era).toEqual({ max: 1979 })
    // "Older" is relative (to what was shown, else before 1990), not "classic".
    expect(u('maybe an older movie?').era).toEqual({ max: 1989 })
    expect(u('late 2000s').era).toEqual({ min: 2006, max: 2009 })
    // "Old school" is the 80s too; a negated era turns around instead of asking for it.
    expect(u('I like old school action like Rambo').era).toEqual({ max: 1989 })
    expect(u("No. I'm not a fan of old school movies. I prefer contemporary movies").era).toEqual({ min: 1990 })
    expect(u('nothing recent please').era).toEqual({ max: 2012 })
    expect(u("I don't know, maybe something old school").era).toEqual({ max: 1989 })
    // A refusal reaches only its own clause: these used to flip the era or the category asked for next.
    expect(u('I hate horror, something recent please').era).toEqual({ min: 2013 })
    expect(u("I don't like gore, show me some classics").era).toEqual({ max: 1979 })
    expect(u("I'm tired of old movies").era).toEqual({ min: 1990 })
    // "the latest Pitch Perfect" names a film; "the latest movies" asks for recent ones.
    expect(u("I haven't seen the latest Pitch Perfect yet").era).toBeUndefined()
    expect(u('any of the latest movies?').era).toEqual({ min: 2013 })
    expect(u("I'm looking for movie suggestions on current movies.").era).toEqual({ min: 2013 })
    // When the story is set is a wish about the story, not when the film was made.
    const setting = u('Classic or historical settings of the 1920s')
    expect(setting.era).toBeUndefined()
    expect(setting.preferences[0]?.text).toMatch(/settings of the 1920s/)
    expect(u('a war movie set in 1944').era).toBeUndefined()
    expect(u('something that takes place in the early 1900s').era).toBeUndefined()
    expect(u('a war movie from 1944').era).toEqual({ min: 1944, max: 1944 })
  })

  it('handles "nothing too long" by runtime only when the catalogue has it', () => {
    expect(u('nothing too long', { hasRuntime: true }).runtimeMax).toBe(100)
    expect(u('under 2 hours', { hasRuntime: true }).runtimeMax).toBe(120)
    // Said in a relative clause, the limit is read and the kind asked for is kept, not refused with it.
    expect(u("a comedy that isn't too long", { hasRuntime: true })).toMatchObject({ runtimeMax: 100, include: ['Comedy'] })
    const without = u('nothing too long')
    expect(without.runtimeMax).toBeUndefined()
    expect(without.runtimeIgnored).toBe(true)
  })

  it('sets aside a person asked for by name whom the catalogue never names, instead of matching the name as text', () => {
    const knowsName = (name: string) => name.toLowerCase() === 'tom hanks'
    const goldblum = u('Do you know any good movies featuring Jeff Goldblum? Something funny', { knowsName })
    expect(goldblum.unknownPeople).toEqual(['Jeff Goldblum'])
    expect(goldblum.include).toEqual(['Comedy'])
    expect(goldblum.preferences.map((p) => p.text).join(' ')).not.toMatch(/goldblum/i)
    expect(u('I like anything with Clint Eastwood or directed by Sofia Coppola', { knowsName }).unknownPeople).toEqual([
      'Clint Eastwood',
      'Sofia Coppola',
    ])
    // Named by the catalogue (a tag): asked for by name, not matched as text.
    const hanks = u('something funny with Tom Hanks', { knowsName })
    expect(hanks.unknownPeople).toBeUndefined()
    expect(hanks.names).toEqual(['Tom Hanks'])
    expect(hanks.include).toEqual(['Comedy'])
    expect(hanks.preferences).toEqual([])
    expect(u('anything with Tom Hanks?', { knowsName }).intent).toBe('request')
    // Places the catalogue names are asked for the same way; one it never names stays a wish.
    const knowsParis = (name: string) => name.toLowerCase() === 'paris'
    const paris = u('something romantic set in Paris', { knowsName: knowsParis })
    expect(paris).toMatchObject({ names: ['Paris'], include: ['Romance'] })
    expect(paris.preferences.map((p) => p.text).join(' ')).not.toMatch(/paris/i)
    const atlantis = u('something set in Atlantis', { knowsName: knowsParis })
    expect(atlantis.names).toBeUndefined()
    expect(atlantis.preferences.map((p) => p.text)).toEqual(['set in atlantis'])
    // A name before a title: "with Tom Cruise" is not the film The Cruise.
    const withCruise = createTitleIndex([...items, { ...items[0]!, id: 'cr', title: 'The Cruise', year: 1998 }])
    const cruise = understand('an action movie with Tom Cruise', ctx({ knowsName: () => true }), withCruise, lexicon)
    expect(cruise).toMatchObject({ names: ['Tom Cruise'], mentions: [], include: ['Action'] })
    expect(understand('I loved The Cruise', ctx({ knowsName }), withCruise, lexicon).mentions[0]?.mention.itemId).toBe('cr')
    // No cue, a title, or lower case: not taken for a person.
    expect(u('I loved Jeff Goldblum', { knowsName }).unknownPeople).toBeUndefined()
    expect(u('something like The Matrix', { knowsName }).unknownPeople).toBeUndefined()
    expect(u('movies with jeff goldblum', { knowsName }).unknownPeople).toBeUndefined()
    // Without the catalogue's names to check against, nothing changes.
    expect(u('movies with Jeff Goldblum').unknownPeople).toBeUndefined()
  })

  it('resolves references to the last reply', () => {
    const lastShown = ['1', '4306', '3000']
    expect(u('the second one', { lastShown }).references).toEqual([{ itemId: '4306', action: 'anchor' }])
    expect(u('#3', { lastShown }).references).toEqual([{ itemId: '3000', action: 'anchor' }])
    expect(u('the last one', { lastShown }).references).toEqual([{ itemId: '3000', action: 'anchor' }])
    expect(u('not that one', { lastShown, focus: '4306' }).references).toEqual([{ itemId: '4306', action: 'reject' }])
    expect(u('more like that', { lastShown }).references).toEqual([{ itemId: '1', action: 'anchor' }])
    // "That" is what the message just pointed at or named, before the focus.
    const third = u('the third one looks good, more like that', { lastShown })
    expect(third.references.map((r) => r.itemId)).toEqual(['3000', '3000'])
    expect(third.preferences).toEqual([])
    expect(u('I loved Fight Club, more like that', { lastShown }).references).toEqual([{ itemId: '2959', action: 'anchor' }])
    expect(u('I loved the first one', { lastShown }).references).toEqual([{ itemId: '1', action: 'like' }])
    const r = u('more like the first one but funnier', { lastShown })
    expect(r.references).toEqual([{ itemId: '1', action: 'anchor' }])
    expect(r.preferences.find((p) => p.weight > 0)?.text).toMatch(/funny/)
    // Without a last reply, an ordinal is just a word.
    expect(u('the second one').references).toEqual([])
  })

  it('reads reactions to what was shown by pronoun', () => {
    const one = { lastShown: ['4306'] }
    const two = { lastShown: ['4306', '3000'] }
    const refs = (text: string, over: Partial<UnderstandContext>) => u(text, over).references
    expect(refs("I've seen that and really enjoyed it", one)).toContainEqual({ itemId: '4306', action: 'like' })
    expect(refs('Seen it already', one)).toEqual([{ itemId: '4306', action: 'seen' }])
    expect(refs('Yes I have, it was great', one)).toContainEqual({ itemId: '4306', action: 'like' })
    expect(refs('Yes I have', one)).toEqual([{ itemId: '4306', action: 'seen' }])
    expect(refs("No I haven't. Is it good?", one)).toEqual([{ itemId: '4306', action: 'unseen' }])
    expect(refs("I've never seen that. Who stars in it?", one)).toEqual([{ itemId: '4306', action: 'unseen' }])
    expect(refs('I have not seen it yet', one)).toEqual([{ itemId: '4306', action: 'unseen' }])
    expect(refs("I didn't like it much", one)).toEqual([{ itemId: '4306', action: 'dislike' }])
    expect(refs('Yes those were both really good', two)).toEqual([
      { itemId: '4306', action: 'like' },
      { itemId: '3000', action: 'like' },
    ])
    expect(refs("I've seen both", two)).toEqual([
      { itemId: '4306', action: 'seen' },
      { itemId: '3000', action: 'seen' },
    ])
    // No cue, no reaction; a title before the pronoun is what "it" means; "it" after a long list is nobody in particular.
    expect(refs('what is it about?', one)).toEqual([])
    expect(refs('I loved Titanic, it was great', one)).toEqual([])
    expect(refs('I loved it', { lastShown: ['1', '4306', '3000'] })).toEqual([])
    expect(refs('I loved it', { lastShown: ['1', '4306', '3000'], focus: '3000' })).toEqual([{ itemId: '3000', action: 'like' }])
    expect(refs('I loved it', { lastShown: [] })).toEqual([])
    // "It" is the film just pointed at.
    expect(refs('I have seen the second one, loved it', { lastShown: ['1', '4306', '3000'] })).toEqual([
      { itemId: '4306', action: 'seen' },
      { itemId: '4306', action: 'like' },
    ])
  })

  it('turns critiques into signed preferences and constraint moves', () => {
    const lastShown = ['1', '4306', '3000'] // 1995, 2001, 1997
    expect(u('less violent').preferences).toEqual([{ text: 'violent gory brutal bloody', weight: -1, said: 'less violent' }])
    expect(u('darker').preferences[0]).toMatchObject({ weight: 1, text: expect.stringMatching(/dark/) })
    expect(u('more recent', { lastShown }).era).toEqual({ min: 1998 })
    expect(u('older', { lastShown }).era).toEqual({ max: 1996 })
    // A precise era in the same message wins over the vague one (it used to widen it to 1980–1996).
    expect(u('something older, from the 80s', { lastShown }).era).toEqual({ min: 1980, max: 1989 })
    expect(u('a classic from the 50s').era).toEqual({ min: 1950, max: 1959 })
    expect(u('something more recent, after 2010', { lastShown }).era).toEqual({ min: 2011 })
    // "The last few years" is an era, not the last film shown.
    expect(u('something from the last few years', { lastShown })).toMatchObject({ era: { min: 2013 }, references: [] })
    expect(u("not that one, we've seen it", { lastShown, focus: '4306' }).preferences).toEqual([])
    expect(u('I need a movie for date night').preferences).toEqual([{ text: 'date', weight: 1 }])
    expect(u('something shorter').mentions).toEqual([])
    // A feel-good film is never horror; a change of direction drops what came before.
    expect(u('a feel good movie').exclude).toEqual(['Horror'])
    expect(u('something scary but heartwarming').exclude).toEqual([])
    const change = u('show me something completely different, a feel good movie')
    expect(change).toMatchObject({ changeDirection: true, dropFilters: false, exclude: ['Horror'] })
    expect(change.preferences.map((p) => p.text).join(' ')).not.toMatch(/show|completely/)
    expect(u('something different from Alien').changeDirection).toBe(false)
    // Refusing films like one is not a pull toward it; a "no" answering a question is not a refusal.
    const notLike = u("I'm not looking for something like Fight Club which was good but not really my mood")
    expect(notLike.mentions.map((m) => [m.mention.itemId, m.action])).toEqual([['2959', 'reject']])
    expect(u('No I meant something like Alien').mentions.map((m) => m.action)).toEqual(['anchor'])
  })

  it('answers a pending clarification by position, year or title', () => {
    const pending = { candidates: ['1214', '1200'], intent: 'like' as const, mention: 'alien', turn: 1 }
    expect(u('the second one', { pending }).clarified).toBe('1200')
    expect(u('the 1979 one', { pending }).clarified).toBe('1214')
    expect(u('the original', { pending }).clarified).toBe('1214')
    expect(u('Aliens', { pending }).clarified).toBe('1200')
  })

  it('recognises reset, greetings, help and thanks', () => {
    expect(u('start over').intent).toBe('reset')
    expect(u('forget everything').reset).toBe(true)
    expect(u('hi').intent).toBe('greeting')
    expect(u('hello there!').intent).toBe('greeting')
    expect(u('help').intent).toBe('help')
    expect(u('thanks!').intent).toBe('thanks')
    expect(u('').intent).toBe('empty')
    expect(u('\u0000\u0007  ').intent).toBe('empty')
    expect(u('drop the filters').dropFilters).toBe(true)
    expect(u("ok I'll watch that, thanks!").intent).toBe('thanks')
  })

  it('takes a question about one film for a question, not a wish or a like', () => {
    const lastShown = ['1', '4306', '3000']
    // Asking whether the other side has seen a film says nothing about the person; "I loved it" after it does.
    expect(u('have you seen Fight Club? I loved it', { lastShown })).toMatchObject({
      mentions: [{ mention: { itemId: '2959' }, action: 'anchor' }],
      references: [{ itemId: '2959', action: 'like' }],
    })
    expect(u("I haven't seen Fight Club. Is it good?", { lastShown }).references).toEqual([])
    // A pronoun with nothing to point at leaves its words free: "a movie like It" names the film It.
    const withIt = createTitleIndex([...items, { ...items[0]!, id: 'it', title: 'It', year: 2017 }])
    const likeIt = understand('I would love to watch a movie like It', ctx({ lastShown }), withIt, lexicon)
    expect(likeIt.mentions.map((m) => [m.mention.itemId, m.action])).toEqual([['it', 'anchor']])
    expect(likeIt.references).toEqual([])
    expect(u("what's it about?", { lastShown, focus: '4306' })).toMatchObject({ intent: 'about', about: '4306' })
    expect(u('tell me more about the third one', { lastShown })).toMatchObject({ intent: 'about', about: '3000', references: [] })
    const fightClub = u('What is Fight Club about?', { lastShown })
    expect(fightClub).toMatchObject({ intent: 'about', about: '2959', mentions: [], preferences: [] })
    expect(u('what is Fight Club ?', { lastShown })).toMatchObject({ intent: 'about', about: '2959', mentions: [] })
    // Several films shown and none in focus: which one is unclear.
    const unclear = u("what's it about?", { lastShown })
    expect(unclear.intent).toBe('about')
    expect(unclear.about).toBeUndefined()
    // Asking for films about something is a request.
    expect(u("what's a good movie about surfing?", { lastShown }).intent).toBe('request')
    expect(u('what about something with dinosaurs?', { lastShown }).intent).toBe('request')
  })

  it('does not take a question about a film for a request', () => {
    for (const said of [
      'does he go to war?',
      'Is it funny? Or more of a drama?',
      'did it have much action?',
      "Do you know what war it's based on?",
      'how scary is it?',
    ]) {
      expect(u(said), said).toMatchObject({ include: [], exclude: [], preferences: [] })
    }
    expect(u('I want a comedy. Or a drama?').include).toEqual(['Comedy', 'Drama'])
    expect(u('do you have any horror movies?').include).toEqual(['Horror'])
    expect(u('do you know any sci-fi movies?').include).toEqual(['Sci-Fi'])
  })

  it('reads a refusal within its clause, carried on to a list but not into a request', () => {
    expect(u('I hated Titanic, something funny')).toMatchObject({ include: ['Comedy'], exclude: [] })
    expect(u('Titanic was boring, something funny please')).toMatchObject({ include: ['Comedy'], exclude: [] })
    expect(u("I don't know maybe something funny")).toMatchObject({ include: ['Comedy'], exclude: [] })
    expect(u("I don't like horror, or thrillers")).toMatchObject({ include: [], exclude: ['Horror', 'Thriller'] })
    expect(u('tired of horror')).toMatchObject({ include: [], exclude: ['Horror', 'Thriller'] })
    // A dislike after the word refuses it only near it.
    expect(u('horror movies are boring')).toMatchObject({ include: [], exclude: ['Horror', 'Thriller'] })
    expect(u('comedies are not really my thing')).toMatchObject({ include: [], exclude: ['Comedy'] })
    const long = u("Usually high fantasy I have a high stress job so when I have down time I don't want to think to hard")
    expect(long).toMatchObject({ include: ['Fantasy'], exclude: [] })
  })

  it('keeps the remaining free text as the wish', () => {
    // A bare category name is carried by the category filter, not by text.
    expect(u("I'm looking for a good comedy, any suggestions?")).toMatchObject({ include: ['Comedy'], preferences: [] })
    expect(u('horror please')).toMatchObject({ include: ['Horror'], preferences: [] })
    expect(u('psychological horror').preferences).toEqual([{ text: 'psychological horror', weight: 1, filtered: ['horror'] }])
    expect(u('something funny set in space').preferences).toEqual([{ text: 'funny set in space', weight: 1 }])
    expect(u('I loved The Matrix').preferences).toEqual([])
    expect(u('nothing with zombies').preferences).toEqual([{ text: 'zombies', weight: -0.6 }])
    // A word common enough to need a capital as a title ("Spy") is still what a wish is about.
    expect(u('Hi, I am looking for spy movies').preferences).toEqual([{ text: 'spy', weight: 1 }])
    // "What about …?" and "what's a good … about …?" ask for films; "what is it about?" asks about one.
    expect(u('what about a good documentary about food?').preferences).toEqual([{ text: 'documentary about food', weight: 1 }])
    expect(u("what's a good movie about surfing?").preferences).toEqual([{ text: 'surfing', weight: 1 }])
    expect(u('how about something with dinosaurs').preferences).toEqual([{ text: 'dinosaurs', weight: 1 }])
    expect(u('what is it about?').preferences).toEqual([])
    // Who is watching and when is not what the film is about.
    expect(u('my wife and I want to watch something tonight, we both like Pixar movies').preferences).toEqual([
      { text: 'pixar', weight: 1 },
    ])
    // A refused quality is a push away, not a wish containing it.
    expect(u("any good action movies that aren't too graphic?").preferences).toEqual([
      { text: 'violent gory brutal bloody', weight: -1, said: "aren't too graphic" },
    ])
  })

  it('does not turn chit-chat into a wish', () => {
    // Seen in ReDial: leftovers such as "would have for me fo" used to become the query.
    expect(u('would u have any recommendations for me\nim good\nthanks fo asking').preferences).toEqual([])
    expect(u('oh hmmm i havent heard of that before').preferences).toEqual([])
    expect(u('those are my favorites lol').preferences).toEqual([])
    expect(u('serious themes are fine').preferences[0]?.text).toMatch(/serious themes/)
    // ReDial train seekers again: talk around the films that the reply used to quote back as the wish.
    for (const said of ['Thanks for the chat.', 'Have a great night, take care!', 'That one seems interesting.', 'cya']) {
      expect(u(said).preferences, said).toEqual([])
    }
    expect(u("I haven't seen that one but it sounds familiar").preferences).toEqual([])
    expect(u('I was thinking of something similar, any ideas?').preferences).toEqual([])
    expect(u('Yes something recent with good effects.').preferences[0]?.text).toMatch(/effects/)
  })

  it('survives hostile input', () => {
    const long = u(`${'a very long rambling message '.repeat(400)} I loved the matrix`)
    expect(long.text.length).toBeLessThanOrEqual(2000)
    const ctl = u('I loved\u0000 the\u001b[31m matrix\u0007')
    expect(ctl.text).not.toMatch(/[\u0000-\u001f]/)
    expect(ctl.mentions[0]?.mention.itemId).toBe('2571')
    const huge = u('x'.repeat(10_000))
    expect(huge.preferences).toEqual([])
    expect(sanitizeUtterance('x'.repeat(10_000)).length).toBe(2000)
  })
})
