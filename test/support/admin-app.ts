import { loadConfig } from '../../src/config/index.ts'
import { createLogger } from '../../src/core/index.ts'
import { type LearningLoop, openLearningLoop } from '../../src/loop/index.ts'
import { createWidgetApp, type WidgetApp } from '../../src/widget/index.ts'
import { createFakeChat } from './fake-chat.ts'

export const ADMIN_SECRET = 'sk_admin_test_0123456789'
export const TWO_VARIANTS = JSON.stringify({ a: { share: 0.5 }, b: { share: 0.5, blend: { popularity: 0.5 } } })

/** The widget app over the fake chat wrapped by a real learning loop (in-memory impressions, variants a and b). */
export async function createAdminTestApp(options: { logLevel?: 'debug' | 'silent'; sampleMs?: number } = {}): Promise<{
  app: WidgetApp
  loop: LearningLoop
}> {
  const env = {
    CONCIERGE_SECRET_KEYS: ADMIN_SECRET,
    CONCIERGE_VARIANTS: TWO_VARIANTS,
    CONCIERGE_IMPRESSIONS_PATH: ':memory:',
  }
  const config = loadConfig(env, { cwd: '/tmp' })
  const logger = createLogger({ level: options.logLevel ?? 'silent', write: () => {} })
  const loop = openLearningLoop({ ...config.loop, impressionsPath: ':memory:' }, { logger })
  const chat = loop.wrap(createFakeChat())
  const backend = { chat, buildId: 'b1', itemCount: 10, loopMetrics: loop.metricsText, insights: loop }
  const app = await createWidgetApp(config.server, {
    backend: () => backend,
    logger,
    adminSampleMs: options.sampleMs ?? 60_000,
  })
  return { app, loop }
}

/**
 * Runs `users` scripted conversations (users and conversations numbered from `from`) as the secret-key caller: one
 * turn each, liking the first item shown in every other one. Returns how many items were shown and liked.
 */
export async function runScriptedSession(
  baseUrl: string,
  fetcher: typeof fetch,
  users: number,
  from = 0,
): Promise<{ shown: number; liked: number }> {
  const headers = { Authorization: `Bearer ${ADMIN_SECRET}`, 'Content-Type': 'application/json' }
  const tally = { shown: 0, liked: 0 }
  for (let u = from; u < from + users; u++) {
    const conversation = `c${u}`
    const userId = `user-${u}`
    const res = await fetcher(`${baseUrl}/v1/conversations/${conversation}/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ text: 'a funny comedy please', userId }),
    })
    const body = (await res.json()) as { reply?: { items: { id: string }[] } }
    if (!res.ok) throw new Error(`turn ${u} answered ${res.status}: ${JSON.stringify(body)}`)
    tally.shown += body.reply?.items.length ?? 0
    const first = body.reply?.items[0]
    if (first && u % 2 === 0) {
      await fetcher(`${baseUrl}/v1/conversations/${conversation}/feedback`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ itemId: first.id, kind: 'like', userId }),
      })
      tally.liked++
    }
  }
  return tally
}
