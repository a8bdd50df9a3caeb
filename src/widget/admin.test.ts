import { afterEach, describe, expect, it } from 'vitest'
import { ADMIN_SECRET, createAdminTestApp, runScriptedSession } from '../../test/support/admin-app.ts'
import type { AdminOverview } from './admin.ts'
import type { WidgetApp } from './app.ts'

const BASE = 'http://localhost'
let app: WidgetApp | undefined

afterEach(async () => {
  await app?.close()
  app = undefined
})

const fetcher = (url: string | URL | Request, init?: RequestInit) => (app as WidgetApp).fetch(new Request(url, init))
const overview = (authorization?: string) =>
  fetcher(`${BASE}/v1/admin/overview`, { headers: authorization ? { Authorization: authorization } : {} })

describe('operator page', () => {
  it('serves a page that holds no data and runs only its own script (CSP)', async () => {
    ;({ app } = await createAdminTestApp())
    const res = await fetcher(`${BASE}/admin`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    const html = await res.text()
    expect(html).toContain('<script src="/admin.js" defer></script>')
    expect(html).not.toContain(ADMIN_SECRET)
    expect((await fetcher(`${BASE}/admin.js`)).status).toBe(200)
  })

  it('refuses the overview without a secret key, with a wrong one, and with the publishable demo key', async () => {
    ;({ app } = await createAdminTestApp())
    expect((await overview()).status).toBe(401)
    expect((await overview('Bearer not-the-key')).status).toBe(401)
    const publishable = await fetcher(`${BASE}/v1/admin/overview`, { headers: { 'X-Concierge-Key': 'demo' } })
    expect(publishable.status).toBe(401)
    expect(((await publishable.json()) as { error: { code: string } }).error.code).toBe('auth.unauthorized')
  })

  it('reports per-variant counts, the A/B report, top items and conversations after a scripted session', async () => {
    const started = await createAdminTestApp()
    app = started.app
    await runScriptedSession(BASE, fetcher as typeof fetch, 12)
    const res = await overview(`Bearer ${ADMIN_SECRET}`)
    expect(res.status).toBe(200)
    const body = (await res.json()) as AdminOverview
    const report = await started.loop.report()
    expect(body.report).toEqual(report)
    expect(body.report?.variants.map((v) => v.variant)).toEqual(['a', 'b'])
    const impressions = report.variants.reduce((n, v) => n + v.impressions, 0)
    expect(body.mostShown[0]?.shown).toBeGreaterThan(0)
    expect(body.mostShown[0]?.title).toEqual(expect.any(String))
    expect(body.mostLiked.reduce((n, r) => n + r.liked, 0)).toBe(6)
    expect(body.conversations).toHaveLength(12)
    expect(body.conversations[0]).toMatchObject({ conversationId: 'c11', turns: 1 })
    expect(body.conversations[0]?.messages).toBeUndefined()
    expect(body.showsText).toBe(false)
    expect(impressions).toBeGreaterThan(0)
  })

  it('shows message text only at debug level', async () => {
    ;({ app } = await createAdminTestApp({ logLevel: 'debug' }))
    await runScriptedSession(BASE, fetcher as typeof fetch, 1)
    const body = (await (await overview(`Bearer ${ADMIN_SECRET}`)).json()) as AdminOverview
    expect(body.showsText).toBe(true)
    expect(body.conversations[0]?.messages).toEqual(['a funny comedy please'])
  })

  it('charts turns and per-variant impressions and feedback from samples over time', async () => {
    ;({ app } = await createAdminTestApp({ sampleMs: 40 }))
    await runScriptedSession(BASE, fetcher as typeof fetch, 6)
    await new Promise((r) => setTimeout(r, 120))
    const body = (await (await overview(`Bearer ${ADMIN_SECRET}`)).json()) as AdminOverview
    const samples = body.samples
    expect(samples.length).toBeGreaterThan(0)
    const turns = samples.reduce((n, s) => n + s.turnsPerSecond * s.seconds, 0)
    expect(Math.round(turns)).toBe(6)
    const sum = (field: 'impressions' | 'feedback') =>
      samples.reduce((n, s) => n + Object.values(s[field]).reduce((a, b) => a + b, 0), 0)
    expect(sum('feedback')).toBe(3)
    expect(sum('impressions')).toBeGreaterThan(0)
    expect(samples.some((s) => s.p50Ms !== null)).toBe(true)
  })
})
