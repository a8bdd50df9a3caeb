import { describe, expect, it } from 'vitest'
import { type Item, silentLogger } from '../core/index.ts'
import type { Recommender, RecommendRequest } from '../recommend/index.ts'
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

describe('the request the chat builds', () => {
  it('folds films seen in the conversation into the collaborative history, and never shows them', async () => {
    const requests: RecommendRequest[] = []
    const store = await createMemoryStore()
    const chat = await createChat({ items, recommender: recordingRecommender(requests), store, logger: silentLogger })
    await chat.handleTurn({ conversationId: 'c', userId: 'u', text: "I've seen Inception, something sci-fi please" })
    const last = requests.at(-1)!
    expect(last.history).toContain('1')
    expect(last.liked).not.toContain('1')
    expect(last.exclude.has('1')).toBe(true)
    expect(last.constraints.includeCategories).toEqual(['Sci-Fi'])
    await chat.close()
    await store.close()
  })
})
