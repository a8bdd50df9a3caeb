import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tinyBuild } from '../test/support/tiny-build.ts'
import { runRebuild } from './build/index.ts'
import type { Config } from './config/index.ts'
import { createLogger } from './core/index.ts'
import { createRuntime } from './runtime.ts'
import { createMemoryStore, type Store } from './store/index.ts'

const logger = createLogger({ level: 'silent' })

/** A store that records session reads and writes, and holds the first read of `conversationId` until released. */
async function gatedStore(conversationId: string) {
  const inner = await createMemoryStore()
  const events: string[] = []
  let release = () => {}
  const released = new Promise<void>((r) => {
    release = r
  })
  let reached = () => {}
  const held = new Promise<void>((r) => {
    reached = r
  })
  let gated = false
  const store: Store = {
    ...inner,
    getSession: async (id) => {
      events.push(`read ${id}`)
      if (id === conversationId && !gated) {
        gated = true
        reached()
        await released
      }
      return inner.getSession(id)
    },
    saveSession: async (state) => {
      events.push(`write ${state.conversationId}`)
      return inner.saveSession(state)
    },
  }
  return { store, events, held, release }
}

// Real builds of the tiny fixture (a tiny ONNX model with a tokenizer the tests write).
describe('runtime hot swap', () => {
  let dir: string
  let config: Config

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'concierge-runtime-'))
    config = (await tinyBuild(dir)).config
  })
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('runs a conversation’s turns one at a time across a swap: the next turn waits for the one on the old build', async () => {
    const { store, events, held, release } = await gatedStore('c1')
    const runtime = await createRuntime(config, { logger, store })
    try {
      const oldBuild = runtime.buildId
      const first = runtime.chat.handleTurn({ conversationId: 'c1', userId: 'u1', text: 'a funny movie' })
      await held
      await runRebuild(config, { logger })
      expect(await runtime.reload()).toBe(true)
      expect(runtime.buildId).not.toBe(oldBuild)
      const second = runtime.chat.handleTurn({ conversationId: 'c1', userId: 'u1', text: 'something darker' })
      const feedback = runtime.chat.feedback({ conversationId: 'c1', userId: 'u1', itemId: '1', kind: 'like' })
      // Another conversation is not held up by c1.
      await runtime.chat.handleTurn({ conversationId: 'c2', userId: 'u2', text: 'a comedy' })
      expect(events.filter((e) => e.endsWith('c1'))).toEqual(['read c1'])
      release()
      await Promise.all([first, second, feedback])
      expect(events.filter((e) => e.endsWith('c1'))).toEqual([
        'read c1',
        'write c1',
        'read c1',
        'write c1',
        'read c1',
        'write c1',
      ])
    } finally {
      release()
      await runtime.close()
    }
  })
})
