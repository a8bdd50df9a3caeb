/**
 * A deterministic ChatService for transport tests. Replies depend on the input and on per-conversation state:
 * liked items pull the next picks towards their categories, disliked / dismissed / already shown items never
 * come back, "more like <title>" seeds from that title, a category word ("comedy") filters. Text containing
 * "boom" fails with `internal`; `delayMs` makes every turn slow (honouring the abort signal).
 */
import {
  AppError,
  type ChatService,
  type FeedbackInput,
  type Item,
  type Reply,
  type ReplyItem,
  type TurnInput,
  type UserProfile,
} from '../../src/core/index.ts'

function movie(id: string, title: string, year: number, categories: string[], imageUrl?: string): Item {
  return {
    id,
    title,
    year,
    categories,
    description: `${title} overview`,
    tags: [],
    metadata: {},
    ...(imageUrl ? { imageUrl } : {}),
  }
}

/** The fake catalogue, in the order the fake ranks ties. */
export const FAKE_ITEMS: readonly Item[] = [
  movie('1', 'Toy Story', 1995, ['Animation', 'Comedy'], 'https://img.example/toy-story.jpg'),
  movie('2', 'Heat', 1995, ['Crime', 'Thriller']),
  movie('3', 'Alien', 1979, ['Horror', 'Sci-Fi'], 'https://img.example/alien.jpg'),
  movie('4', 'Groundhog Day', 1993, ['Comedy', 'Romance']),
  movie('5', 'Blade Runner', 1982, ['Sci-Fi', 'Thriller']),
  movie('6', 'The Shining', 1980, ['Horror']),
  movie('7', 'Airplane!', 1980, ['Comedy']),
  movie('8', 'Arrival', 2016, ['Drama', 'Sci-Fi']),
  movie('9', 'Fargo', 1996, ['Comedy', 'Crime', 'Drama']),
  movie('10', 'The Thing', 1982, ['Horror', 'Sci-Fi']),
  movie('11', 'Amélie', 2001, ['Comedy', 'Romance']),
  movie('12', 'Gattaca', 1997, ['Drama', 'Sci-Fi']),
  movie('13', 'Se7en', 1995, ['Crime', 'Thriller']),
  movie('14', 'Moon', 2009, ['Drama', 'Sci-Fi']),
  movie('15', 'Hot Fuzz', 2007, ['Action', 'Comedy']),
]

export const FAKE_SUGGESTIONS = ['Something funnier', 'Only sci-fi'] as const

const KEYWORDS: Record<string, string> = {
  comedy: 'Comedy',
  funn: 'Comedy',
  horror: 'Horror',
  scary: 'Horror',
  'sci-fi': 'Sci-Fi',
  drama: 'Drama',
  crime: 'Crime',
}

interface Session {
  liked: Set<string>
  rejected: Set<string>
  shown: Set<string>
}

export interface FakeChat extends ChatService {
  readonly turns: TurnInput[]
  readonly feedbacks: FeedbackInput[]
  readonly removed: { userId: string; itemId: string }[]
  readonly forgotten: string[]
  /** Delay of every turn, ms; change between tests. */
  delayMs: number
  /** How many turns are running right now. */
  readonly running: number
  /** Turns that saw their abort signal fire. */
  readonly aborted: number
}

export function createFakeChat(options: { delayMs?: number; perTurn?: number } = {}): FakeChat {
  const perTurn = options.perTurn ?? 3
  const sessions = new Map<string, Session>()
  const profiles = new Map<string, { likes: Set<string>; dislikes: Set<string> }>()
  const byId = new Map(FAKE_ITEMS.map((item) => [item.id, item]))
  const turns: TurnInput[] = []
  const feedbacks: FeedbackInput[] = []
  const removed: { userId: string; itemId: string }[] = []
  const forgotten: string[] = []
  let running = 0
  let aborted = 0

  const session = (id: string): Session => {
    let s = sessions.get(id)
    if (!s) {
      s = { liked: new Set(), rejected: new Set(), shown: new Set() }
      sessions.set(id, s)
    }
    return s
  }
  const profile = (userId: string) => {
    let p = profiles.get(userId)
    if (!p) {
      p = { likes: new Set(), dislikes: new Set() }
      profiles.set(userId, p)
    }
    return p
  }

  const chat: FakeChat = {
    turns,
    feedbacks,
    removed,
    forgotten,
    delayMs: options.delayMs ?? 0,
    get running() {
      return running
    },
    get aborted() {
      return aborted
    },
    async handleTurn(input, opts = {}) {
      turns.push(input)
      running++
      try {
        if (chat.delayMs > 0) {
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(resolve, chat.delayMs)
            opts.signal?.addEventListener('abort', () => {
              clearTimeout(timer)
              aborted++
              reject(opts.signal?.reason)
            })
          })
        }
        if (/boom/i.test(input.text)) throw new AppError('internal', 'fake recommender failure')
        return recommend(input)
      } finally {
        running--
      }
    },
    async feedback(input) {
      feedbacks.push(input)
      const s = session(input.conversationId)
      const p = profile(input.userId)
      if (input.kind === 'like') {
        s.liked.add(input.itemId)
        p.likes.add(input.itemId)
        p.dislikes.delete(input.itemId)
      } else {
        s.rejected.add(input.itemId)
        if (input.kind === 'dislike') {
          p.dislikes.add(input.itemId)
          p.likes.delete(input.itemId)
        }
      }
    },
    getItem: (id) => byId.get(id),
    async getProfile(userId): Promise<UserProfile> {
      const p = profile(userId)
      const items = (ids: Set<string>) => [...ids].map((id) => byId.get(id)).filter((i): i is Item => i !== undefined)
      return { userId, likes: items(p.likes), dislikes: items(p.dislikes) }
    },
    async removePreference(userId, itemId) {
      removed.push({ userId, itemId })
      const p = profile(userId)
      p.likes.delete(itemId)
      p.dislikes.delete(itemId)
    },
    async forgetUser(userId) {
      forgotten.push(userId)
      profiles.delete(userId)
    },
    async close() {},
  }

  function recommend(input: TurnInput): Reply {
    const s = session(input.conversationId)
    const text = input.text.toLowerCase()
    const seeds = new Set<string>(s.liked)
    const more = /^more like (.+)$/i.exec(input.text.trim())
    if (more) {
      const seed = FAKE_ITEMS.find((item) => item.title.toLowerCase() === more[1]!.trim().toLowerCase())
      if (seed) seeds.add(seed.id)
    }
    const wanted = Object.entries(KEYWORDS).find(([word]) => text.includes(word))?.[1]
    const seedCategories = new Map<string, number>()
    for (const id of seeds) {
      for (const c of byId.get(id)?.categories ?? []) seedCategories.set(c, (seedCategories.get(c) ?? 0) + 1)
    }
    const ranked = FAKE_ITEMS.filter((item) => !s.shown.has(item.id) && !s.rejected.has(item.id) && !seeds.has(item.id))
      .filter((item) => !wanted || item.categories.includes(wanted))
      .map((item, order) => ({
        item,
        order,
        score: item.categories.reduce((sum, c) => sum + (seedCategories.get(c) ?? 0), 0),
      }))
      .sort((a, b) => b.score - a.score || a.order - b.order)
      .slice(0, perTurn)
    for (const { item } of ranked) s.shown.add(item.id)
    const likedTitles = [...seeds].map((id) => byId.get(id)?.title).filter(Boolean)
    const items: ReplyItem[] = ranked.map(({ item, score }) => ({
      id: item.id,
      title: item.title,
      ...(item.year === undefined ? {} : { year: item.year }),
      ...(item.imageUrl ? { imageUrl: item.imageUrl } : {}),
      categories: item.categories,
      explanation:
        score > 0
          ? `Shares ${item.categories.filter((c) => seedCategories.has(c)).join(', ')} with ${likedTitles.join(', ')}.`
          : `A ${item.categories.join(' / ')} pick.`,
      scoreParts: { categories: score, total: score },
    }))
    const replyText =
      items.length === 0
        ? 'I have run out of ideas for that.'
        : likedTitles.length > 0
          ? `Since you like ${likedTitles.join(', ')}, try these:`
          : `Here are ${items.length} ideas:`
    return { text: replyText, items, suggestions: [...FAKE_SUGGESTIONS] }
  }

  return chat
}
