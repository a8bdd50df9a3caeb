import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runRebuild } from '../../src/build/index.ts'
import { createLogger } from '../../src/core/index.ts'
import { readLiveState } from '../../src/live/index.ts'
import { createRuntime } from '../../src/runtime.ts'
import { createWidgetApp } from '../../src/widget/index.ts'
import { startTinyRuntimeApp, type TinyRuntimeApp } from '../support/runtime-app.ts'

const SECRET = 'sk_live_items_test_key'
const logger = createLogger({ level: 'silent' })

/** Twenty items that share nothing but their shape; one of them is about the words asked for below. */
const DECOYS = Array.from({ length: 20 }, (_, i) => ({
  id: `decoy-${i}`,
  title: `Ordinary Thing ${i}`,
  description: `A plain everyday object number ${i} for the kitchen and garden.`,
  tags: ['plain', `kind${i}`],
  categories: ['Household'],
}))
const SPECIAL = {
  id: 'zq-1',
  title: 'Quillfrost Marmoset Lantern',
  description: 'A quillfrost lantern shaped like a marmoset, glowing quillfrost blue.',
  tags: ['quillfrost', 'marmoset'],
  categories: ['Household'],
  year: 2026,
  colour: 'blue',
}

describe('the live catalogue on the real runtime', () => {
  let t: TinyRuntimeApp
  let turn = 0

  beforeAll(async () => {
    t = await startTinyRuntimeApp(SECRET)
  })
  afterAll(async () => t?.close())

  const ask = async (app: { fetch(r: Request): Response | Promise<Response> }, text: string) => {
    const res = await app.fetch(
      new Request(`http://localhost/v1/conversations/live-${++turn}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
        body: JSON.stringify({ text, userId: `asker-${turn}` }),
      }),
    )
    expect(res.status).toBe(200)
    return ((await res.json()) as { reply: { items: { id: string }[] } }).reply.items.map((i) => i.id)
  }
  const remove = (id: string, authorization = `Bearer ${SECRET}`) =>
    t.app.fetch(new Request(`http://localhost/v1/items/${id}`, { method: 'DELETE', headers: { authorization } }))

  it('serves an upserted item within 2 s, stops at once after a delete, and both hold after a restart and a rebuild', async () => {
    const started = performance.now()
    const res = await t.post('/v1/items', { items: [...DECOYS, SPECIAL] })
    expect(await res.json()).toEqual({ upserted: 21 })
    const found = await ask(t.app, 'something quillfrost with a marmoset')
    expect(performance.now() - started).toBeLessThan(2000)
    expect(found.slice(0, 5)).toContain('zq-1')
    const item = (await (
      await t.app.fetch(new Request('http://localhost/v1/items/zq-1', { headers: { authorization: `Bearer ${SECRET}` } }))
    ).json()) as {
      item: { title: string }
    }
    expect(item.item.title).toBe('Quillfrost Marmoset Lantern')

    expect((await remove('decoy-3')).status).toBe(204)
    expect((await remove('zq-1')).status).toBe(204)
    expect(await ask(t.app, 'something quillfrost with a marmoset')).not.toContain('zq-1')
    expect(await ask(t.app, 'ordinary thing 3 plain kind3')).not.toContain('decoy-3')
    expect((await remove('zq-1')).status).toBe(404)

    // Restart: a new runtime on the same folders replays the changes.
    await t.post('/v1/items', { ...SPECIAL, id: 'zq-2' })
    await t.app.close()
    await t.runtime.close()
    const runtime = await createRuntime(t.config, { logger })
    const app = await createWidgetApp(t.config.server, { backend: () => runtime, logger })
    t = { ...t, runtime, app }
    expect(runtime.itemCount).toBe(5 + 21 - 2 + 1)
    const afterRestart = await ask(app, 'something quillfrost with a marmoset')
    expect(afterRestart.slice(0, 5)).toContain('zq-2')
    expect(afterRestart).not.toContain('zq-1')

    // The next rebuild reads the changes with the catalogue: the new build holds them itself.
    const summary = await runRebuild(t.config, { logger })
    expect(summary.items).toBe(5 + 21 - 2 + 1)
    expect(await runtime.reload()).toBe(true)
    expect(runtime.chat.getItem('zq-2')?.title).toBe('Quillfrost Marmoset Lantern')
    expect(runtime.chat.getItem('zq-1')).toBeUndefined()
    expect(runtime.chat.getItem('decoy-3')).toBeUndefined()
  })

  it('refuses a publishable key, an invalid item (naming it) and more than 1,000 items, storing nothing', async () => {
    const before = t.runtime.itemCount
    const publishable = await t.app.fetch(
      new Request('http://localhost/v1/items', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-concierge-key': 'demo' },
        body: JSON.stringify(SPECIAL),
      }),
    )
    expect(publishable.status).toBe(401)
    const bad = await t.post('/v1/items', { items: [{ ...SPECIAL, id: 'ok-1' }, { id: 'empty-1' }] })
    expect(bad.status).toBe(400)
    const body = (await bad.json()) as { error: { code: string; details: { issues: string[] } } }
    expect(body.error.code).toBe('input.invalid')
    expect(body.error.details.issues.join(' ')).toContain('items.1')
    const many = Array.from({ length: 1001 }, (_, i) => ({ ...SPECIAL, id: `many-${i}` }))
    expect((await t.post('/v1/items', { items: many })).status).toBe(400)
    expect(t.runtime.itemCount).toBe(before)
    expect(t.runtime.chat.getItem('ok-1')).toBeUndefined()
    expect((await remove('zq-2', 'Bearer wrong')).status).toBe(401)
  })
})

/** An invented word per number (no two alike), so each bulk item can be asked for by a word only it has. */
function inventedWord(n: number): string {
  const syllables = ['qua', 'mor', 'zin', 'tel', 'bra', 'vex', 'lum', 'dor', 'fen', 'kri']
  return `zy${[...String(n).padStart(3, '0')].map((d) => syllables[Number(d)]).join('')}`
}

describe('a bulk upsert of 1,000 items on the real runtime (tiny fast encoder)', () => {
  let t: TinyRuntimeApp
  const lines: string[] = []
  beforeAll(async () => {
    t = await startTinyRuntimeApp(SECRET, {}, createLogger({ level: 'info', format: 'json', write: (l) => lines.push(l) }))
  })
  afterAll(async () => t?.close())

  it('stores every item, makes each searchable and recomposes the catalogue once', async () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({
      id: `bulk-${i}`,
      title: `The ${inventedWord(i)} lamp`,
      description: `A ${inventedWord(i)} lamp for the hall, number ${i} of a large delivery of household things.`,
      tags: ['lamp', inventedWord(i)],
      categories: ['Household'],
    }))
    const before = t.runtime.itemCount
    const res = await t.post('/v1/items', { items })
    expect(await res.json()).toEqual({ upserted: 1000 })

    const served = lines
      .map((l) => JSON.parse(l) as { msg: string; upserted?: number })
      .filter((r) => r.msg === 'live change served')
    expect(served).toEqual([expect.objectContaining({ upserted: 1000 })])
    expect((await readLiveState(t.config.indexesDir)).upserts.size).toBe(1000)
    expect(t.runtime.itemCount).toBe(before + 1000)
    for (const i of [0, 1, 499, 998, 999]) expect(t.runtime.chat.getItem(`bulk-${i}`)?.title).toBe(items[i]?.title)
    for (const i of [7, 512, 999]) {
      const res = await t.app.fetch(
        new Request(`http://localhost/v1/conversations/bulk-${i}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
          body: JSON.stringify({ text: `a ${inventedWord(i)} lamp`, userId: `bulk-asker-${i}` }),
        }),
      )
      const reply = (await res.json()) as { reply: { items: { id: string }[] } }
      expect(reply.reply.items.slice(0, 5).map((r) => r.id)).toContain(`bulk-${i}`)
    }
  })
})
