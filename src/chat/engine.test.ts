import { describe, expect, it } from 'vitest'
import { type Item, silentLogger } from '../core/index.ts'
import { loadDomainProfile } from '../domain/index.ts'
import type { Recommendation, Recommender, RecommendRequest } from '../recommend/index.ts'
import { createMemoryStore } from '../store/index.ts'
import { createChat } from './engine.ts'

const movie = (id: string, title: string, year: number, categories: string[]): Item => ({
  id,
  title,
  year,
  categories,
  description: `${title} is a film.`,
  tags: [],
  metadata: {},
})

const items = [
  movie('1', 'Inception', 2010, ['Action', 'Sci-Fi']),
  movie('2', 'Interstellar', 2014, ['Sci-Fi']),
  movie('3', 'Paddington', 2014, ['Children', 'Comedy']),
]

/** A recommender that records what the chat asks for and recommends nothing. */
function recordingRecommender(requests: RecommendRequest[]): Recommender {
  return {
    recommend: async (request) => {
      requests.push(request)
      return []
    },
    similarItems: () => [],
    weights: {} as Recommender['weights'],
    close: async () => {},
  }
}

/** A chat over `items` whose recommender records each request; `wrap` changes what the recommender returns. */
async function recordingChat(wrap: (recorder: Recommender) => Recommender = (r) => r) {
  const requests: RecommendRequest[] = []
  const store = await createMemoryStore()
  const chat = await createChat({ items, recommender: wrap(recordingRecommender(requests)), store, logger: silentLogger })
  const close = async () => {
    await chat.close()
    await store.close()
  }
  return { requests, store, chat, close }
}

describe('the request the chat builds', () => {
  it('folds films seen in the conversation into the collaborative history, and never shows them', async () => {
    const { requests, chat, close } = await recordingChat()
    await chat.handleTurn({ conversationId: 'c', userId: 'u', text: "I've seen Inception, something sci-fi please" })
    const last = requests.at(-1)!
    expect(last.history).toContain('1')
    expect(last.liked).not.toContain('1')
    expect(last.exclude.has('1')).toBe(true)
    expect(last.constraints.includeCategories).toEqual(['Sci-Fi'])
    await close()
  })

  it('keeps the wish a message only narrows at full weight ("a submarine movie", then "from the 80s")', async () => {
    const { requests, chat, close } = await recordingChat()
    const wishWeight = () => requests.at(-1)!.preferences.find((p) => p.text === 'submarine')?.weight
    await chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'a submarine movie' })
    await chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'from the 80s' })
    expect(requests.at(-1)!.constraints).toMatchObject({ yearMin: 1980, yearMax: 1989 })
    expect(wishWeight()).toBe(1)
    await chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'no horror' })
    expect(wishWeight()).toBe(1)
    // A new wish starts another request: the old one fades.
    await chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'something about pirates' })
    expect(wishWeight()).toBeLessThan(1)
    await close()
  })
})

describe('a category no longer required', () => {
  it('leaves the filters, without being refused', async () => {
    const { requests, chat, close } = await recordingChat()
    await chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'a funny sci-fi movie' })
    // The first request of the turn; with nothing found the engine then widens.
    expect(requests[0]!.constraints.categoryGroups).toEqual([['Comedy'], ['Sci-Fi']])
    requests.length = 0
    await chat.handleTurn({ conversationId: 'c', userId: 'u', text: "it doesn't have to be sci-fi" })
    const { constraints } = requests[0]!
    expect(constraints.includeCategories).toEqual(['Comedy'])
    expect(constraints.excludeCategories).toEqual([])
    expect(constraints.categoryGroups).toBeUndefined()
    await close()
  })
})

describe('evaluation turns', () => {
  it('rank at small talk only when asked to, and do not record what they return as shown', async () => {
    const { requests, store, chat, close } = await recordingChat((recorder) => ({
      ...recorder,
      recommend: async (request) => {
        await recorder.recommend(request)
        return items.slice(0, request.k).map((item, i) => ({ item, score: 1 - i / 10, parts: {} }) as never)
      },
    }))
    const plain = await chat.handleTurn({ conversationId: 'a', userId: 'u', text: 'hi there' })
    expect(plain.items).toEqual([])
    expect(requests).toHaveLength(0)
    const evalTurn = await chat.evalTurn(
      { conversationId: 'b', userId: 'u', text: 'hi there' },
      { k: 2, remember: false, rankAlways: true },
    )
    expect(evalTurn.items.map((i) => i.id)).toEqual(['1', '2'])
    expect(requests.at(-1)?.k).toBe(2)
    expect((await store.getSession('b'))?.shown ?? []).toEqual([])
    await close()
  })
})

describe("films a human suggested (an evaluation turn's `shown`)", () => {
  it('are never recommended, pull like a title asked about, and are what "it" means', async () => {
    const { requests, chat, close } = await recordingChat()
    const turn = (text: string, shown: string[]) =>
      chat.evalTurn({ conversationId: 'c', userId: 'u', text }, { k: 5, remember: false, rankAlways: true, shown })
    await turn('hi there', ['2'])
    let last = requests.at(-1)!
    expect(last.exclude.has('2')).toBe(true)
    expect(last.anchors).toEqual([{ id: '2', weight: 1 }])
    // "I loved it" is about the film just suggested; turning one down drops its pull.
    await turn('I loved it!', ['3'])
    last = requests.at(-1)!
    expect(last.liked).toEqual(['3'])
    await turn('not a fan of that one', ['1'])
    last = requests.at(-1)!
    expect(last.anchors?.map((a) => a.id)).not.toContain('1')
    expect(last.disliked).toEqual(['1'])
    await close()
  })
})

describe('wishes said again', () => {
  it('are refreshed once, not stacked: one preference, from the latest turn', async () => {
    const { requests, chat, close } = await recordingChat()
    await chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'something set in space' })
    await chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'something set in space' })
    const wishes = requests.at(-1)!.preferences.filter((p) => p.text === 'set in space')
    expect(wishes).toHaveLength(1)
    expect(wishes[0]!.weight).toBe(1)
    await close()
  })
})

/** Recommends every film; each is close to the wishes `close` names. */
function answeringWishes(close: (request: RecommendRequest) => string[]): (r: Recommender) => Recommender {
  return (recorder) => ({
    ...recorder,
    recommend: async (request) => {
      await recorder.recommend(request)
      const matched = close(request).map((text) => ({ text, similarity: 0.9 }))
      return items.map((item) => ({
        item,
        parts: { semantic: 0, collaborative: 0, popularity: 0, total: 0 } as Recommendation['parts'],
        evidence: { matchedPreferences: matched, similarTo: [], categoryFit: [] },
      }))
    },
  })
}

describe('a wish of an earlier turn that no pick answers', () => {
  it('is said to be unmatched, rather than quoted as if the picks fit it', async () => {
    // The first turn's picks are close to "chess"; the second's (something funnier) to nothing said before.
    const { chat, close } = await recordingChat(
      answeringWishes((r) => (r.preferences.length === 1 ? r.preferences.map((p) => p.text) : [])),
    )
    const first = await chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'a movie about chess' })
    expect(first.text).not.toMatch(/asked for earlier/)
    const second = await chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'something funnier' })
    expect(second.text).toMatch(/"chess"/)
    expect(second.text).toMatch(/None of these is close to "chess", which you asked for earlier/)
    await close()
  })

  it('is not noted when a pick answers it, by closeness or by its words', async () => {
    const { chat, close } = await recordingChat(answeringWishes((r) => r.preferences.map((p) => p.text)))
    await chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'a movie about chess' })
    const second = await chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'something funnier' })
    expect(second.text).not.toMatch(/asked for earlier/)
    await close()
  })
})

describe('a critique ("something gentler")', () => {
  it('is said in the words the person used, never as the text searched for it', async () => {
    // Every film is close to every positive wish, the latest first.
    const latestFirst = (r: RecommendRequest) =>
      r.preferences
        .filter((p) => p.weight > 0)
        .map((p) => p.text)
        .reverse()
    const { chat, close } = await recordingChat(answeringWishes(latestFirst))
    await chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'a submarine movie' })
    const reply = await chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'something gentler' })
    expect(reply.text).toMatch(/^Here are 3 picks for "submarine", gentler\./)
    expect(reply.text).not.toContain('heartwarming')
    expect(reply.text).not.toContain('feel-good')
    for (const item of reply.items) expect(item.explanation).toMatch(/^It fits "gentler"/)
    await close()
  })

  it('is named in its words when no pick answers it on a later turn', async () => {
    const { chat, close } = await recordingChat(answeringWishes(() => []))
    await chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'something gentler' })
    const reply = await chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'a movie about chess' })
    expect(reply.text).toMatch(/None of these is close to "gentler", which you asked for earlier/)
    expect(reply.text).not.toContain('heartwarming')
    await close()
  })
})

describe('a pick nothing specific explains', () => {
  it('says it passes the filters only when some were asked for', async () => {
    const { chat, close } = await recordingChat(answeringWishes(() => []))
    const unfiltered = await chat.handleTurn({ conversationId: 'a', userId: 'u', text: 'a movie about chess' })
    for (const item of unfiltered.items) expect(item.explanation).toBe('Not a close match for "chess"; it rounds out the list.')
    // The stand-in recommender returns every film whatever the filters: the wording is what is checked.
    const filtered = await chat.handleTurn({ conversationId: 'b', userId: 'u', text: 'a movie about chess, no comedy' })
    for (const item of filtered.items) expect(item.explanation).toBe('It passes everything you asked to filter on.')
    await close()
  })
})

describe('what the reply notes', () => {
  it('names a film once, however often it was pointed at, and a liked film not again as seen', async () => {
    const { chat, close } = await recordingChat()
    const reply = await chat.evalTurn(
      { conversationId: 'c', userId: 'u', text: 'Saw it and liked it' },
      { k: 5, remember: false, rankAlways: true, shown: ['2'] },
    )
    expect(reply.text).toContain('Noted: you liked Interstellar (2014).')
    expect(reply.text.match(/Interstellar/g)).toHaveLength(1)
    await close()
  })

  it('says back a refusal in the words the person wrote, not the words a mood implies', async () => {
    const { requests, chat, close } = await recordingChat()
    const refused = await chat.handleTurn({ conversationId: 'r', userId: 'u', text: 'anything but a Superhero movie' })
    expect(refused.text).toContain('Noted: avoiding "Superhero".')
    // "feel-good" implies refusing dark films: that refusal is the chat's reading, not something the person said.
    const mood = await chat.handleTurn({ conversationId: 'm', userId: 'u', text: 'something feel-good' })
    expect(
      requests
        .at(-1)
        ?.preferences.filter((p) => p.weight < 0)
        .every((p) => p.implied === true),
    ).toBe(true)
    expect(requests.at(-1)?.preferences.some((p) => p.weight < 0)).toBe(true)
    expect(mood.text).not.toContain('avoiding')
    await close()
  })
})

describe('feedback and messages', () => {
  it('change the session alike: a 👍 on an item is the like of "I loved it"', async () => {
    const { store, chat, close } = await recordingChat()
    await chat.feedback({ conversationId: 'button', userId: 'u', itemId: '1', kind: 'like' })
    await chat.handleTurn({ conversationId: 'said', userId: 'u', text: 'I loved Inception' })
    const button = await store.getSession('button')
    const said = await store.getSession('said')
    expect(button?.liked).toEqual(['1'])
    expect(said?.liked).toEqual(['1'])
    expect(button?.focus).toBe(said?.focus)
    await close()
  })

  it('keep evaluation options out of the production turn', async () => {
    const { requests, chat, close } = await recordingChat()
    const options = { k: 50, rankAlways: true } as never
    await chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'hi there' }, options)
    expect(requests).toHaveLength(0)
    await close()
  })
})

describe('a catalogue of programs (the software profile)', () => {
  const program = (id: string, title: string, categories: string[], toolkit: string): Item => ({
    id,
    title,
    categories,
    description: `${title} is a program.`,
    tags: [],
    metadata: { installed_size_kb: 100, toolkit },
  })
  const programs = [
    program('a', 'cmus', ['sound'], '["ncurses"]'),
    program('b', 'eog', ['graphics'], '["gtk"]'),
    program('c', 'mutt', ['mail'], '["qt"]'),
  ]

  async function programChat() {
    const requests: RecommendRequest[] = []
    const store = await createMemoryStore()
    const recommender: Recommender = {
      ...recordingRecommender(requests),
      recommend: async (request) => {
        requests.push(request)
        return programs
          .slice(0, request.k)
          .map(
            (item) =>
              ({ item, score: 1, parts: {}, evidence: { matchedPreferences: [], similarTo: [], categoryFit: [] } }) as never,
          )
      },
    }
    const profile = loadDomainProfile('software')
    const chat = await createChat({ items: programs, recommender, store, logger: silentLogger, profile })
    return { requests, chat, close: () => chat.close().then(() => store.close()) }
  }

  it('speaks of programs, never of movies, films or watching', async () => {
    const { chat, close } = await programChat()
    const texts: string[] = []
    for (const text of ['hi', 'help', 'start over', 'something for music', 'tell me about it', 'thanks']) {
      const reply = await chat.handleTurn({ conversationId: 'c', userId: 'u', text })
      texts.push(reply.text, ...reply.suggestions)
    }
    expect(texts.join('\n')).not.toMatch(/\b(?:movies?|films?|watch(?:ing|ed)?)\b/i)
    expect(texts.join('\n')).toMatch(/program/)
    await close()
  })

  it('reads category words from the profile: an email client is the mail section', async () => {
    const { requests, chat, close } = await programChat()
    await chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'an email client for the command line' })
    expect(requests.at(-1)?.constraints.includeCategories).toEqual(['mail'])
    await close()
  })

  it('refuses a toolkit as a filter, and keeps the refusal out of the wish text', async () => {
    const { requests, chat, close } = await programChat()
    await chat.handleTurn({ conversationId: 'c', userId: 'u', text: "a photo editor that isn't GTK" })
    const request = requests.at(-1)!
    expect(request.constraints.facets).toEqual([{ field: 'toolkit', exclude: ['gtk'] }])
    expect(request.preferences.map((p) => p.text)).toEqual(['photo editor'])
    await chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'not qt either' })
    expect(requests.at(-1)!.constraints.facets).toEqual([{ field: 'toolkit', exclude: ['gtk', 'qt'] }])
    expect(requests.at(-1)!.preferences.map((p) => p.text)).toEqual(['photo editor'])
    await close()
  })

  it('marks a toolkit and a section asked for as carried by their filters, so they are not searched as the wish', async () => {
    const { requests, chat, close } = await programChat()
    await chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'a qt mail reader' })
    const request = requests.at(-1)!
    expect(request.constraints.facets).toEqual([expect.objectContaining({ field: 'toolkit', include: ['qt'] })])
    expect(request.preferences).toEqual([{ text: 'qt mail reader', weight: 1, filtered: ['mail', 'qt'] }])
    await close()
  })

  it('keeps every item when asked for an era it has no years for, and says so', async () => {
    const { requests, chat, close } = await programChat()
    const reply = await chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'an image viewer from the 90s' })
    expect(requests.at(-1)?.constraints.yearMin).toBeUndefined()
    expect(reply.items.length).toBeGreaterThan(0)
    expect(reply.text).toContain('(These programs carry no years, so I can\'t filter by "90s".)')
    await close()
  })
})

describe('a message asking for more like a shown item', () => {
  it('names that item in the reply (`moreLike`), for the learning loop; other messages name none', async () => {
    const { chat, close } = await recordingChat((recorder) => ({
      ...recorder,
      recommend: async (request) => {
        await recorder.recommend(request)
        const allowed = items.filter((item) => !request.exclude.has(item.id) && !request.anchors?.some((a) => a.id === item.id))
        return allowed.slice(0, request.k).map((item, i) => ({ item, score: 1 - i / 10, parts: {} }) as never)
      },
    }))
    const first = await chat.handleTurn({ conversationId: 'm', userId: 'u', text: 'a sci-fi film' })
    expect(first.items.length).toBeGreaterThan(1)
    expect(first.moreLike).toBeUndefined()
    const second = first.items[1]!.id
    const more = await chat.handleTurn({ conversationId: 'm', userId: 'u', text: 'more like the second one' })
    expect(more.moreLike).toEqual([second])
    await close()
  })
})
