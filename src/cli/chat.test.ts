import { describe, expect, it, vi } from 'vitest'
import { run } from './chat.ts'

describe('concierge chat', () => {
  it('exits 2 on an unknown flag and 0 on --help', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {})
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    expect(await run(['--bogus'])).toBe(2)
    expect(err.mock.calls.flat().join(' ')).toContain('usage: concierge chat')
    expect(await run(['--help'])).toBe(0)
    expect(log.mock.calls.flat().join(' ')).toContain('/like N')
    expect(await run(['--user', 'x'.repeat(300)])).toBe(2)
    err.mockRestore()
    log.mockRestore()
  })
})
