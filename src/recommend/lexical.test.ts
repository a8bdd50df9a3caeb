import { describe, expect, it } from 'vitest'
import type { Item } from '../core/index.ts'
import { buildLexicalTables, createLexicalIndex, rootWord, stemWord, uniqueItems } from './lexical.ts'

const film = (id: string, title: string, description: string, tags: string[] = [], companies?: string): Item => ({
  id,
  title,
  description,
  tags,
  categories: [],
  metadata: companies ? { companies } : {},
})

// 200 films: a few about Christmas or heists, the rest plain; "family" is in a third of them.
const items: Item[] = [
  film('x1', 'Home Alone', 'A boy is left behind at Christmas.', ['christmas']),
  film('x2', 'Elf', 'A man raised by elves looks for his father.', ['Christmas']),
  film('x3', 'Christmas Vacation', 'A family holiday goes wrong.'),
  film('h1', 'Heat', 'A crew of thieves plans one last heist.'),
  film('h2', "Ocean's Eleven", 'Eleven friends plan heists on three casinos.'),
  film('t1', 'Back to the Future', 'A teenager is sent back in time.', ['time travel']),
  film('t2', 'Looper', 'A hit man meets his older self.', ['Time Travel']),
  // "time" and "travel" alone are words most films use.
  ...Array.from({ length: 193 }, (_, i) =>
    film(`p${i}`, `Plain ${i}`, i % 3 === 0 ? 'A family drama about time.' : 'A drama about travel.'),
  ),
]
const popularity = (id: string) => (id === 'x2' ? 10 : id === 'x1' ? 5 : 1)

describe('stemWord', () => {
  it('folds plurals and possessives', () => {
    expect(stemWord('Zombies')).toBe(stemWord('zombie'))
    expect(stemWord("zombie's")).toBe(stemWord('zombie'))
    expect(stemWord('heists')).toBe('heist')
    expect(stemWord('stories')).toBe('story')
    expect(stemWord('witches')).toBe('witch')
    expect(stemWord('glass')).toBe('glass')
    expect(stemWord('Christmas')).toBe(stemWord('christmas'))
  })
})

describe('rootWord', () => {
  const root = (w: string) => rootWord(stemWord(w))
  it('joins the derived forms of a word', () => {
    expect(new Set(['edit', 'editing', 'edited'].map(root))).toEqual(new Set(['edit']))
    expect(new Set(['play', 'player', 'players', 'playing'].map(root))).toEqual(new Set(['play']))
    expect(new Set(['browse', 'browser', 'browsing'].map(root)).size).toBe(1)
    expect(new Set(['model', 'modelling', 'models'].map(root)).size).toBe(1)
    expect(root('organizer')).toBe(root('organise'))
    expect(root('typing')).toBe(root('type'))
  })

  it('keeps short words whole', () => {
    expect(root('user')).toBe('user')
    expect(root('used')).toBe('used')
    expect(root('cd')).toBe('cd')
  })
})

describe('createLexicalIndex', () => {
  const index = createLexicalIndex(items, popularity)

  it('keeps the rare words of a wish, with the films that use them, most popular first', () => {
    const [christmas] = index.read('a classic Christmas movie').keywords
    expect(index.read('a classic Christmas movie').keywords).toHaveLength(1)
    expect(christmas!.items).toEqual(['x2', 'x1', 'x3'])
    expect(christmas!.has('x3')).toBe(true)
    expect(christmas!.has('h1')).toBe(false)
    expect(index.read('any good heist films?').keywords.map((k) => [...k.items].sort())).toEqual([['h1', 'h2']])
  })

  it('reads a tag of several words said in order as one keyword, though its words alone are too common', () => {
    const { keywords, topicality } = index.read('something with time travel')
    expect(keywords.map((k) => [k.stem, [...k.items].sort()])).toEqual([['time travel', ['t1', 't2']]])
    expect(topicality).toBe(1)
    expect(index.read('travel through time').keywords).toEqual([])
    // A rare word inside the phrase still counts alone, for the films without the tag.
    const undead = createLexicalIndex(
      [
        film('z1', 'Dawn', 'Survivors hide in a mall.', ['zombie apocalypse']),
        film('z2', 'Days', 'A man wakes in an empty city.', ['Zombie Apocalypse']),
        film('z3', 'Shaun', 'The dead rise as zombies.'),
        ...items.slice(7),
      ],
      popularity,
    )
    const read = undead.read('a zombie apocalypse')
    expect(read.keywords.map((k) => [k.stem, [...k.items].sort()])).toEqual([
      [`${stemWord('zombie')} apocalypse`, ['z1', 'z2']],
      [stemWord('zombie'), ['z1', 'z2', 'z3']],
      ['apocalypse', ['z1', 'z2']],
    ])
    expect(index.where(items[6]!, 'time travel')).toEqual({ field: 'tags', word: 'Time Travel' })
    expect(index.where(items[0]!, 'time travel')).toBeUndefined()
  })

  it('drops words most films use, words only one film uses, and request words', () => {
    expect(index.read('a family drama').keywords).toEqual([])
    expect(index.read('something with casinos').keywords).toEqual([])
    expect(index.read('recommend me something to watch').keywords).toEqual([])
  })

  it('tells a wish about its rare words from talk around one', () => {
    expect(index.read('christmas heists').topicality).toBe(1)
    expect(index.read('heist').topicality).toBe(1)
    expect(index.read('my sister loves heist stories').topicality).toBeLessThan(0.5)
    expect(index.read('').topicality).toBe(0)
  })

  it('says where a film uses the word, as written there', () => {
    expect(index.where(items[2]!, stemWord('christmas'))).toEqual({ field: 'title', word: 'Christmas' })
    expect(index.where(items[1]!, stemWord('christmas'))).toEqual({ field: 'tags', word: 'Christmas' })
    expect(index.where(items[4]!, 'heist')).toEqual({ field: 'description', word: 'heists' })
    expect(index.where(items[5]!, 'heist')).toBeUndefined()
  })

  it('says when a description writes a word only inside a name, and quotes the word itself where it can', () => {
    const named = film('n1', 'Oliver!', 'Oliver Twist runs away to London.')
    const both = film('n2', 'Twisted', 'The story of Oliver Twist, told with a twist.')
    const opening = film('n3', 'Turns', 'A quiet start. Twists follow.')
    const list = [...items, named, both, opening]
    const own = createLexicalIndex(list, popularity)
    expect(own.where(named, 'twist')).toEqual({ field: 'description', word: 'Twist', asName: true })
    expect(own.where(both, 'twist')).toEqual({ field: 'description', word: 'twist' })
    // At a sentence start a capital says nothing.
    expect(own.where(opening, 'twist')).toEqual({ field: 'description', word: 'Twists' })
  })
})

describe('lexical search (BM25 over title, tags, companies and description)', () => {
  const catalogue: Item[] = [
    film('chess1', 'Searching for Bobby Fischer', 'A prodigy learns chess in the parks of New York.', ['chess']),
    film('chess2', 'Pawn Sacrifice', 'Bobby Fischer faces the Soviet champion at the height of the Cold War.', [
      'chess',
      'cold war',
    ]),
    film('spy', 'Bridge of Spies', 'A lawyer negotiates a prisoner swap during the Cold War.', ['cold war', 'spy']),
    film('war', 'A Long War', 'Cold soldiers wait for a war that never comes.'),
    film('road1', 'Little Miss Sunshine', 'A family drives to a pageant.', ['road trip']),
    film('road2', 'The Road', 'A father and son walk a ruined road; the trip is long.'),
    film('toy', 'Toy Story', 'Toys come alive.', ['toys'], 'Pixar Animation Studios'),
    film('cars', 'Cars', 'A race car gets lost.', [], 'Pixar Animation Studios; Walt Disney Pictures'),
    film('other', 'Shrek', 'An ogre rescues a princess.', [], 'DreamWorks Animation'),
    ...Array.from({ length: 40 }, (_, i) => film(`plain${i}`, `Plain ${i}`, 'A drama about a family and a city.')),
  ]
  const index = createLexicalIndex(catalogue, () => 1)
  const top = (text: string, n = 2) =>
    [...index.match(text).scores]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([id]) => id)

  it('finds the chess films for "a movie about chess"', () => {
    expect(top('a movie about chess').sort()).toEqual(['chess1', 'chess2'])
    expect(index.match('a movie about chess').scores.has('spy')).toBe(false)
  })

  it('ranks a film with the phrase "cold war" above one that uses "cold" and "war" apart', () => {
    const { scores } = index.match('a movie about the cold war')
    expect(scores.get('spy')).toBeGreaterThan(scores.get('war') as number)
    expect(top('a road trip movie', 1)).toEqual(['road1'])
  })

  it('matches a studio by its company and says so', () => {
    expect(top('something by Pixar').sort()).toEqual(['cars', 'toy'])
    expect(index.where(catalogue[7]!, 'pixar')).toEqual({ field: 'companies', word: 'Pixar Animation Studios' })
  })

  it('matches nothing for request words alone, and scores nothing for an empty wish', () => {
    expect(index.match('recommend me something good').best).toBe(0)
    expect(index.match('').scores.size).toBe(0)
  })

  it('searches no pair of a function word ("people who"): only what the wish says it is about', () => {
    expect(index.terms('people who turn into wolves')).not.toContain('people who')
    expect(index.terms('bloodsuckers who only come out at night')).not.toContain('come out')
    expect(index.terms('people who turn into wolves')).toContain('wolf')
  })

  it("makes a match distinctive only through a wish's rare words, not one common word of several", () => {
    const crews: Item[] = [
      film('sub1', 'Das Boot', 'A submarine crew endures the war at sea.'),
      film('sub2', 'Crimson Tide', 'Officers of a submarine clash.'),
      ...Array.from({ length: 12 }, (_, i) => film(`crew${i}`, `Crew ${i}`, 'A film crew shoots a western.')),
      ...Array.from({ length: 180 }, (_, i) => film(`plain${i}`, `Plain ${i}`, 'A drama about a family and a city.')),
    ]
    const own = createLexicalIndex(crews, () => 1)
    const submarineCrew = own.match('a submarine crew')
    // "crew" (12 films) is six times as common as "submarine" (2): only the submarine films are distinctive.
    expect(submarineCrew.scores.has('crew3')).toBe(true)
    expect([...submarineCrew.distinctive].sort()).toEqual(['sub1', 'sub2'])
    // Words about as rare as each other are each distinctive: a film using "cold" or "war" is, one using neither not.
    const coldWar = index.match('a movie about the cold war')
    expect(coldWar.distinctive.has('spy')).toBe(true)
    expect(coldWar.distinctive.has('war')).toBe(true)
    expect(coldWar.distinctive.has('chess1')).toBe(false)
    expect(index.match('the cold').distinctive.has('war')).toBe(true)
  })

  it('searches a word a filter carries only in a pair with another word of the wish', () => {
    const filtered = index.match('a cold war thriller', new Set(['war']))
    expect(filtered.terms).toEqual(['cold', 'cold war'])
    expect(index.match('a cold war thriller').terms).toContain('war')
    const own = createLexicalIndex(items, popularity)
    expect(own.read('a heist at christmas').keywords.map((k) => k.stem)).toContain('heist')
    expect(own.read('a heist at christmas', new Set(['heist'])).keywords.map((k) => k.stem)).not.toContain('heist')
  })
})

describe("lexical tables built elsewhere (a build's reader thread)", () => {
  it('give the same keywords, places and scores as the tables the index builds itself', () => {
    const withDuplicate = [...items, film('h1', 'Heat', 'A crew of thieves plans one last heist.', ['heist'])]
    const list = uniqueItems(withDuplicate)
    const own = createLexicalIndex(list, popularity)
    const given = createLexicalIndex(list, popularity, { tables: structuredClone(buildLexicalTables(withDuplicate)) })
    // A keyword's `has` is a function of its own index: compared by what it answers.
    const read = (index: typeof own, text: string) => {
      const { keywords, topicality } = index.read(text)
      return { topicality, keywords: keywords.map((k) => ({ ...k, has: list.map((i) => k.has(i.id)) })) }
    }
    for (const text of ['a christmas film', 'a heist', 'time travel please', 'family drama', 'nothing matches zzz']) {
      expect(read(given, text)).toEqual(read(own, text))
      expect(given.match(text)).toEqual(own.match(text))
    }
    expect(given.where(list[0] as Item, 'christma')).toEqual(own.where(list[0] as Item, 'christma'))
  })

  it('refuses tables made for another item list', () => {
    expect(() => createLexicalIndex(items.slice(1), popularity, { tables: buildLexicalTables(items) })).toThrow(
      /tables of 200 items/,
    )
  })
})

describe('a search by roots', () => {
  const program = (id: string, description: string, tags: string[]) => ({ ...film(id, id, description, tags) })
  const programs: Item[] = [
    program('recorder', 'Captures sound from a microphone.', ['audio', 'recorder']),
    program('cutter', 'Cuts and joins clips.', ['video', 'editing']),
    ...Array.from({ length: 60 }, (_, i) => program(`other${i}`, 'A small utility.', ['utility'])),
  ]

  it('meets the activity a catalogue names by another form of the word', () => {
    const byRoots = createLexicalIndex(programs, () => 0, { roots: true })
    expect([...byRoots.match('something to record audio').scores.keys()][0]).toBe('recorder')
    expect(byRoots.match('software to edit videos').scores.has('cutter')).toBe(true)
    expect(byRoots.where(programs[1] as Item, 'edit')).toEqual({ field: 'tags', word: 'editing' })
  })

  it('reads stems only unless asked', () => {
    const byStems = createLexicalIndex(programs, () => 0)
    expect(byStems.match('software to edit videos').scores.get('cutter')).toBeLessThan(
      byStems.match('software for video editing').scores.get('cutter') as number,
    )
    expect(byStems.match('record').scores.size).toBe(0)
  })
})

describe('a search with a vocabulary', () => {
  const program = (id: string, description: string, tags: string[]) => film(id, id, description, tags)
  const programs: Item[] = [
    program('blocks', 'Drop the pieces to fill lines.', ['puzzle', 'tetris']),
    ...Array.from({ length: 40 }, (_, i) => program(`game${i}`, 'A game with blocks.', ['puzzle'])),
  ]
  const vocabulary = [{ phrases: ['falling blocks'], terms: ['tetris'] }]

  it("also searches the catalogue's words for what the wish names", () => {
    const index = createLexicalIndex(programs, () => 0, { vocabulary })
    const { scores } = index.match('a Falling-Blocks game')
    expect([...scores.entries()].sort((a, b) => b[1] - a[1])[0]?.[0]).toBe('blocks')
    expect(index.match('a falling blocks game').terms).toContain('tetri')
    // Only a wish that says the phrase.
    expect(index.match('blocks that fall').terms).not.toContain('tetri')
    expect(
      createLexicalIndex(programs, () => 0)
        .match('a falling blocks game')
        .scores.has('blocks'),
    ).toBe(false)
  })

  it('gives every reader of the wish the same added words: the fact votes and the keywords too', () => {
    const two = [...programs, program('blocks2', 'Turn the pieces as they drop.', ['tetris'])]
    const index = createLexicalIndex(two, () => 0, { vocabulary })
    expect(index.terms('a falling blocks game')).toContain('tetri')
    expect(index.read('a falling blocks game').keywords.map((k) => k.stem)).toContain('tetri')
    expect(index.terms('blocks that fall')).not.toContain('tetri')
    // Plurals meet, as everywhere in the search; no pair is read across the added words' seam.
    expect(index.terms('one falling block at a time')).toContain('tetri')
    expect(index.terms('some falling blocks').filter((t) => t.includes('tetri'))).toEqual(['tetri'])
  })
})
