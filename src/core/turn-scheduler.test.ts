import { describe, expect, it } from 'vitest'
import { createTurnScheduler, shedReason } from './turn-scheduler.ts'

/** A turn that finishes when its `release` is called, recording when it started. */
function gate(log: string[], name: string) {
  let release = () => {}
  const done = new Promise<void>((r) => {
    release = r
  })
  return {
    release: () => release(),
    turn: async () => {
      log.push(name)
      await done
      return name
    },
  }
}

const tick = () => new Promise((r) => setTimeout(r, 10))

describe('createTurnScheduler', () => {
  it('runs at most maxConcurrent turns at once and starts the next when one ends', async () => {
    const scheduler = createTurnScheduler({ maxConcurrent: 2, maxQueued: 10 })
    const log: string[] = []
    const gates = ['a', 'b', 'c'].map((name) => gate(log, name))
    const results = gates.map((g, i) => scheduler.run(`conv-${i}`, g.turn))
    await tick()
    expect(log).toEqual(['a', 'b'])
    expect(scheduler.queued).toBe(1)
    gates[0]?.release()
    await tick()
    expect(log).toEqual(['a', 'b', 'c'])
    for (const g of gates) g.release()
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c'])
    expect(scheduler.running).toBe(0)
  })

  it("starts a new conversation's first turn before a busy conversation's backlog", async () => {
    const scheduler = createTurnScheduler({ maxConcurrent: 1, maxQueued: 10 })
    const log: string[] = []
    const busy = ['busy-1', 'busy-2', 'busy-3', 'busy-4'].map((name) => gate(log, name))
    const newcomer = gate(log, 'new-1')
    const all = busy.map((g) => scheduler.run('busy', g.turn))
    all.push(scheduler.run('new', newcomer.turn))
    await tick()
    expect(log).toEqual(['busy-1'])
    busy[0]?.release()
    await tick()
    expect(log).toEqual(['busy-1', 'new-1'])
    newcomer.release()
    for (const g of busy) g.release()
    await Promise.all(all)
    expect(log).toEqual(['busy-1', 'new-1', 'busy-2', 'busy-3', 'busy-4'])
  })

  it('sheds with 503 unavailable and a retry delay when the queue is full', async () => {
    const scheduler = createTurnScheduler({ maxConcurrent: 1, maxQueued: 1 })
    const log: string[] = []
    const a = gate(log, 'a')
    const b = gate(log, 'b')
    const running = [scheduler.run('c1', a.turn), scheduler.run('c2', b.turn)]
    expect(() => scheduler.ensureRoom('c3')).toThrow(expect.objectContaining({ code: 'unavailable' }))
    await expect(scheduler.run('c3', async () => 'c')).rejects.toMatchObject({
      code: 'unavailable',
      details: { retryAfterSeconds: expect.any(Number), shed: 'queue_full' },
    })
    a.release()
    b.release()
    await Promise.all(running)
  })

  it("keeps the last quarter of the queue for conversations' first turns", async () => {
    const scheduler = createTurnScheduler({ maxConcurrent: 1, maxQueued: 4 })
    const log: string[] = []
    const g = gate(log, 'x')
    const admitted = ['c1', 'c2', 'c3', 'c4'].map((c) => scheduler.run(c, g.turn))
    await expect(scheduler.run('c1', g.turn)).rejects.toMatchObject({ code: 'unavailable' })
    const newcomer = scheduler.run('c9', g.turn)
    await expect(scheduler.run('c10', g.turn)).rejects.toMatchObject({ code: 'unavailable' })
    g.release()
    await Promise.all([...admitted, newcomer])
  })

  it('refuses a conversation that already has too many turns waiting with rate.limited', async () => {
    const scheduler = createTurnScheduler({ maxConcurrent: 1, maxQueued: 100, maxQueuedPerConversation: 2 })
    const log: string[] = []
    const g = gate(log, 'x')
    const accepted = [scheduler.run('c', g.turn)]
    await tick()
    accepted.push(scheduler.run('c', g.turn), scheduler.run('c', g.turn))
    await expect(scheduler.run('c', g.turn)).rejects.toMatchObject({
      code: 'rate.limited',
      details: { shed: 'conversation_backlog' },
    })
    g.release()
    await Promise.all(accepted)
  })

  it('frees the slot of a turn that throws instead of rejecting', async () => {
    const scheduler = createTurnScheduler({ maxConcurrent: 1, maxQueued: 10 })
    const broken = scheduler.run('c1', () => {
      throw new Error('sync failure')
    })
    await expect(broken).rejects.toThrow('sync failure')
    expect(await scheduler.run('c2', async () => 'next')).toBe('next')
  })

  it('drops a waiting turn whose request went away', async () => {
    const scheduler = createTurnScheduler({ maxConcurrent: 1, maxQueued: 10 })
    const log: string[] = []
    const a = gate(log, 'a')
    const first = scheduler.run('c1', a.turn)
    await tick()
    const controller = new AbortController()
    const dropped = scheduler.run('c2', async () => 'never', controller.signal)
    controller.abort(new Error('client gone'))
    await expect(dropped).rejects.toThrow('client gone')
    expect(scheduler.queued).toBe(0)
    a.release()
    await first
  })

  it('answers waiting and running turns with unavailable on cancelAll, aborting the running ones', async () => {
    const scheduler = createTurnScheduler({ maxConcurrent: 1, maxQueued: 10 })
    let abortedRunning = false
    const running = scheduler.run('c1', (signal) => {
      signal.addEventListener('abort', () => {
        abortedRunning = true
      })
      return new Promise(() => {})
    })
    await tick()
    const waiting = scheduler.run('c2', async () => 'never')
    scheduler.cancelAll()
    await expect(running).rejects.toMatchObject({ code: 'unavailable' })
    await expect(waiting).rejects.toMatchObject({ code: 'unavailable', details: { shed: 'shutting_down' } })
    expect(shedReason(await waiting.catch((e: unknown) => e))).toBe('shutting_down')
    expect(shedReason(new Error('other'))).toBeUndefined()
    expect(abortedRunning).toBe(true)
    await expect(scheduler.run('c3', async () => 'late')).rejects.toMatchObject({ code: 'unavailable' })
  })
})
