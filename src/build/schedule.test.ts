import { describe, expect, it } from 'vitest'
import { AppError, createLogger } from '../core/index.ts'
import { scheduleRebuilds } from './schedule.ts'

const logger = createLogger({ level: 'silent' })

describe('scheduleRebuilds', () => {
  it('rebuilds again after each rebuild ends, never two at once, and goes on after a failure or a lock', async () => {
    let running = 0
    let most = 0
    let calls = 0
    const built: string[] = []
    const outcomes = [
      () => ({ buildId: 'b1' }),
      () => {
        throw new AppError('build.failed', 'broken data')
      },
      () => {
        throw new AppError('build.failed', 'locked', { details: { reason: 'locked' } })
      },
      () => ({ buildId: 'b2' }),
    ]
    let done: () => void = () => {}
    const twoBuilt = new Promise<void>((resolve) => {
      done = resolve
    })
    const schedule = scheduleRebuilds(5, {
      rebuild: async () => {
        running++
        most = Math.max(most, running)
        await new Promise((r) => setTimeout(r, 15))
        running--
        const outcome = outcomes[Math.min(calls++, outcomes.length - 1)]!
        return outcome()
      },
      onBuilt: (buildId) => {
        built.push(buildId)
        if (built.length === 2) done()
      },
      logger,
    })
    await twoBuilt
    schedule.close()
    expect(built).toEqual(['b1', 'b2'])
    expect(calls).toBe(4)
    expect(most).toBe(1)
  })

  it('aborts a rebuild under way on close and does not report it', async () => {
    let signal: AbortSignal | undefined
    const built: string[] = []
    let started: () => void = () => {}
    const startedOnce = new Promise<void>((resolve) => {
      started = resolve
    })
    const schedule = scheduleRebuilds(1, {
      rebuild: (s) => {
        signal = s
        started()
        return new Promise((resolve) => s.addEventListener('abort', () => resolve({ buildId: 'late' })))
      },
      onBuilt: (buildId) => {
        built.push(buildId)
      },
      logger,
    })
    await startedOnce
    schedule.close()
    expect(signal?.aborted).toBe(true)
    await new Promise((r) => setTimeout(r, 10))
    expect(built).toEqual([])
  })
})

describe('scheduleRebuilds with the time of the current build', () => {
  it('does not rebuild while the current build is fresh (another replica made it), and does once it is due', async () => {
    let fresh = true
    let checks = 0
    let rebuilds = 0
    let built: () => void = () => {}
    const once = new Promise<void>((resolve) => {
      built = resolve
    })
    const schedule = scheduleRebuilds(5, {
      rebuild: async () => {
        rebuilds++
        return { buildId: 'b' }
      },
      onBuilt: () => built(),
      lastBuiltAt: async () => {
        checks++
        return fresh ? Date.now() : undefined
      },
      logger,
    })
    await expect.poll(() => checks, { interval: 5 }).toBeGreaterThanOrEqual(6)
    expect(rebuilds).toBe(0)
    fresh = false
    await once
    schedule.close()
    expect(rebuilds).toBe(1)
  })
})
