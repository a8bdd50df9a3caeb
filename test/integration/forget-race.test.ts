import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createChat } from '../../src/chat/index.ts'
import { type Item, silentLogger } from '../../src/core/index.ts'
import type { Recommender } from '../../src/recommend/index.ts'
import { createMemoryStore, createSqliteStore, type Store } from '../../src/store/index.ts'

const dir = mkdtempSync(join(tmpdir(), 'concierge-forget-race-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const items: Item[] = [
  { id: '1', title: 'Inception', year: 2010, categories: ['Sci-Fi'], description: 'A heist in dreams.', tags: [], metadata: {} },
  { id: '2', title: 'Paddington', year: 2014, categories: ['Comedy'], description: 'A bear in London.', tags: [], metadata: {} },
]

/** A recommender that holds every request until `release()`: the turn stays in flight meanwhile. */
function heldRecommender(): { recommender: Recommender; entered: Promise<void>; release: () => void } {
  let release = () => {}
  let entered = () => {}
  const gate = new Promise<void>((r) => (release = r))
  const inside = new Promise<void>((r) => (entered = r))
  const recommender: Recommender = {
    recommend: async () => {
      entered()
      await gate
      return []
    },
    similarItems: () => [],
    weights: {} as Recommender['weights'],
    close: async () => {},
  }
  return { recommender, entered: inside, release }
}

const stores: [string, () => Promise<Store>][] = [
  ['sqlite', () => createSqliteStore({ path: join(dir, `${Math.random().toString(36).slice(2)}.db`) })],
  ['memory', () => createMemoryStore()],
]

describe.each(stores)('forgetting a user during their own turn (%s)', (_name, open) => {
  it('leaves nothing of them once the turn finishes', async () => {
    const store = await open()
    const held = heldRecommender()
    const chat = await createChat({ items, recommender: held.recommender, store, logger: silentLogger })
    await chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'hello' })
    const turn = chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'I loved Inception, something like it' })
    await held.entered
    await chat.forgetUser('u')
    held.release()
    await turn
    expect(await store.getSession('c')).toBeUndefined()
    expect(await store.getProfile('u')).toEqual({ userId: 'u', likes: [], dislikes: [] })
    expect((await store.exportInteractions()).filter((i) => i.userId === 'u')).toEqual([])
    // After the forget, the person can start again.
    await chat.handleTurn({ conversationId: 'c2', userId: 'u', text: 'I loved Paddington' })
    expect((await store.getProfile('u')).likes).toEqual(['2'])
    await chat.close()
    await store.close()
  })
})
