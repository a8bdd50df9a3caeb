import { describe, expect, it } from 'vitest'
import { createDeduper, deliveryKey } from './dedupe.ts'

describe('createDeduper', () => {
  it('recognises a repeat within the window and forgets it after', async () => {
    let now = 0
    const dedupe = createDeduper({ ttlMs: 1000, max: 100, now: () => now })
    expect(await dedupe.firstSeen('Ev1')).toBe(true)
    now = 999
    expect(await dedupe.firstSeen('Ev1')).toBe(false)
    now = 1001
    expect(await dedupe.firstSeen('Ev1')).toBe(true)
  })

  it('keeps at most max keys, dropping the oldest', async () => {
    const now = 0
    const dedupe = createDeduper({ ttlMs: 60_000, max: 3, now: () => now })
    for (const key of ['a', 'b', 'c', 'd']) expect(await dedupe.firstSeen(key)).toBe(true)
    expect(dedupe.size).toBe(3)
    expect(await dedupe.firstSeen('d')).toBe(false)
    expect(await dedupe.firstSeen('a')).toBe(true)
  })
})

describe('deliveryKey', () => {
  const command = { command: '/recommend', team_id: 'T1', user_id: 'U1', trigger_id: '1.2', response_url: 'https://r/1' }
  const click = {
    type: 'block_actions',
    user: { id: 'U1' },
    trigger_id: '9.9',
    actions: [{ action_id: 'concierge_like', block_id: 'concierge:item:0', action_ts: '17.1' }],
  }

  it('is the same for a repeated delivery and differs for a new invocation', () => {
    expect(deliveryKey({ event_id: 'Ev1', event: {} })).toBe('event:Ev1')
    expect(deliveryKey({ ...command })).toBe(deliveryKey({ ...command }))
    expect(deliveryKey({ ...command, trigger_id: '1.3', response_url: 'https://r/2' })).not.toBe(deliveryKey(command))
    expect(deliveryKey(structuredClone(click))).toBe(deliveryKey(click))
    const other = { ...click, actions: [{ ...click.actions[0], action_ts: '17.2' }] }
    expect(deliveryKey(other)).not.toBe(deliveryKey(click))
    expect(deliveryKey(command)).not.toContain('https://r/1')
  })

  it('is undefined for bodies that identify no delivery', () => {
    expect(deliveryKey({ type: 'url_verification', challenge: 'x' })).toBeUndefined()
    expect(deliveryKey({ ssl_check: '1' })).toBeUndefined()
    expect(deliveryKey('text')).toBeUndefined()
  })
})
