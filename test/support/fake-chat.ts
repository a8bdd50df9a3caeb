import {
  AppError,
  type ChatService,
  type FeedbackInput,
  type Item,
  type ItemId,
  type Reply,
  type TurnInput,
  type UserProfile,
} from '../../src/core/index.ts'

/**
 * A deterministic ChatService for transport contract tests (HTTP, streaming, swaps). Not a recommender: items are
 * picked by genre words in the message, minus what the user disliked and what this conversation was shown.
 */
export interface FakeChat extends ChatService {
  readonly turns: TurnInput[]
  readonly feedbackLog: FeedbackInput[]
  /** Stored per-user data (feedback); forgetUser empties it. */
  readonly users: Map<string, { likes: Set<ItemId>; dislikes: Set<ItemId> }>
  readonly closed: boolean
}

export interface FakeChatOptions {
  /** Label put in every reply text, to tell two instances apart (build swaps). */
  label?: string
  /** Delay before each text part, in ms (streaming tests). Default 0. */
  partDelayMs?: number
  /** Text parts per reply. Default 3. */
  parts?: number
}

export const FAKE_ITEMS: Item[] = [
  item('1', 'Toy Story', 1995, ['Animation', 'Children', 'Comedy']),
  item('2', 'Heat', 1995, ['Action', 'Crime', 'Thriller']),
  item('3', 'Alien', 1979, ['Horror', 'Sci-Fi']),
  item('4', 'Amélie', 2001, ['Comedy', 'Romance']),
  item('5', 'The Matrix', 1999, ['Action', 'Sci-Fi', 'Thriller']),
  item('6', 'Spirited Away', 2001, ['Adventure', 'Animation', 'Fantasy']),
  item('7', 'Groundhog Day', 1993, ['Comedy', 'Fantasy', 'Romance']),
  item('8', 'Se7en', 1995, ['Mystery', 'Thriller']),
  item('9', 'Up', 2009, ['Adventure', 'Animation', 'Drama']),
  item('10', 'Blade Runner', 1982, ['Action', 'Sci-Fi', 'Thriller']),
]

export function createFakeChat(options: FakeChatOptions = {}): FakeChat {
  const byId = new Map(FAKE_ITEMS.map((i) => [i.id, i]))
  const shown = new Map<string, Set<ItemId>>()
  const users = new Map<string, { likes: Set<ItemId>; dislikes: Set<ItemId> }>()
  const turns: TurnInput[] = []
  const feedbackLog: FeedbackInput[] = []
  const parts = options.parts ?? 3
  let closed = false
  const user = (id: string) => {
    let u = users.get(id)
    if (!u) {
      u = { likes: new Set(), dislikes: new Set() }
      users.set(id, u)
    }
    return u
  }

  return {
    turns,
    feedbackLog,
    users,
    get closed() {
      return closed
    },
    async handleTurn(input, opts): Promise<Reply> {
      if (closed) throw new AppError('unavailable', 'chat closed')
      if (!input.text.trim()) throw new AppError('input.invalid', 'empty message')
      if (input.text.includes('#fail')) throw new AppError('internal', 'boom at /secret/path/db.sqlite')
      if (input.text.includes('#llm')) throw new AppError('llm.failed', 'upstream said 500 with key sk-live-123')
      turns.push(input)
      const words = input.text.toLowerCase()
      const seen = shown.get(input.conversationId) ?? new Set<ItemId>()
      const disliked = users.get(input.userId)?.dislikes ?? new Set<ItemId>()
      const wanted = FAKE_ITEMS.filter((i) => i.categories.some((c) => words.includes(c.toLowerCase())))
      const pool = (wanted.length ? wanted : FAKE_ITEMS).filter((i) => !seen.has(i.id) && !disliked.has(i.id))
      const picked = pool.slice(0, 3)
      for (const i of picked) seen.add(i.id)
      shown.set(input.conversationId, seen)
      const text = `${options.label ? `[${options.label}] ` : ''}Here are ${picked.length} picks for "${input.text.slice(0, 40)}".`
      const size = Math.ceil(text.length / parts)
      for (let p = 0; p < parts; p++) {
        if (options.partDelayMs) await new Promise((r) => setTimeout(r, options.partDelayMs))
        if (opts?.signal?.aborted) throw new AppError('unavailable', 'aborted')
        const chunk = text.slice(p * size, (p + 1) * size)
        if (chunk) opts?.onText?.(chunk)
      }
      return {
        text,
        items: picked.map((i) => ({
          id: i.id,
          title: i.title,
          year: i.year,
          categories: i.categories,
          explanation: `Because you asked for ${i.categories[0]?.toLowerCase()}.`,
          scoreParts: { semantic: 0.5, total: 0.5 },
        })),
        suggestions: ['something lighter', 'older films'],
      }
    },
    async feedback(input) {
      if (!byId.has(input.itemId)) throw new AppError('not_found', `no item ${input.itemId}`)
      feedbackLog.push(input)
      const u = user(input.userId)
      if (input.kind === 'like') u.likes.add(input.itemId)
      if (input.kind === 'dislike' || input.kind === 'not_interested') u.dislikes.add(input.itemId)
    },
    getItem: (id) => byId.get(id),
    async getProfile(userId): Promise<UserProfile> {
      const u = users.get(userId)
      const items = (ids: Set<ItemId> | undefined) => [...(ids ?? [])].map((id) => byId.get(id)).filter((i): i is Item => !!i)
      return { userId, likes: items(u?.likes), dislikes: items(u?.dislikes) }
    },
    async removePreference(userId, itemId) {
      const u = users.get(userId)
      u?.likes.delete(itemId)
      u?.dislikes.delete(itemId)
    },
    async forgetUser(userId) {
      users.delete(userId)
    },
    async close() {
      closed = true
    },
  }
}

function item(id: string, title: string, year: number, categories: string[]): Item {
  return { id, title, year, categories, description: `${title} (${year}).`, tags: [], metadata: {} }
}
