import { describe, expect, it } from 'vitest'
import { createWorkTracker } from './work.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('createWorkTracker', () => {
  it('runs the work of one key in order and different keys side by side', async () => {
    const work = createWorkTracker(() => {})
    const log: string[] = []
    work.spawn('a', async () => {
      await sleep(30)
      log.push('a1')
    })
    work.spawn('a', async () => void log.push('a2'))
    work.spawn('b', async () => void log.push('b1'))
    await work.close()
    expect(log).toEqual(['b1', 'a1', 'a2'])
  })

  it('drain waits for work spawned while draining, and cuts off at the deadline', async () => {
    const work = createWorkTracker(() => {})
    const seen: string[] = []
    work.spawn('a', async () => {
      await sleep(20)
      work.spawn('b', async () => {
        await sleep(20)
        seen.push('b done')
      })
    })
    expect(await work.drain(1000, 100)).toEqual({ unfinished: 0 })
    expect(seen).toEqual(['b done'])
    expect(work.cutoff.aborted).toBe(false)

    const stuck = createWorkTracker(() => {})
    stuck.spawn('x', () => new Promise<void>((resolve) => stuck.cutoff.addEventListener('abort', () => resolve())))
    stuck.spawn('y', () => new Promise<void>(() => {}))
    const started = Date.now()
    expect(await stuck.drain(50, 50)).toEqual({ unfinished: 1 })
    expect(stuck.cutoff.aborted).toBe(true)
    expect(stuck.draining).toBe(true)
    expect(Date.now() - started).toBeLessThan(500)
  })

  it('ignores work spawned after close and reports failures', async () => {
    const errors: unknown[] = []
    const work = createWorkTracker((error) => errors.push(error))
    work.spawn('a', async () => {
      throw new Error('boom')
    })
    await work.close()
    let ran = false
    work.spawn('a', async () => {
      ran = true
    })
    await sleep(10)
    expect(ran).toBe(false)
    expect(errors).toHaveLength(1)
  })
})
