import { describe, expect, it } from 'vitest'
import { isTimestampFresh, MAX_CLOCK_SKEW_SEC } from './http-guard.ts'

describe('isTimestampFresh', () => {
  const now = 1_700_000_000_000
  const sec = now / 1000

  it('accepts timestamps within the window on both sides and refuses those beyond', () => {
    expect(isTimestampFresh(String(sec), now, MAX_CLOCK_SKEW_SEC)).toBe(true)
    expect(isTimestampFresh(String(sec + 300), now, MAX_CLOCK_SKEW_SEC)).toBe(true)
    expect(isTimestampFresh(String(sec - 300), now, MAX_CLOCK_SKEW_SEC)).toBe(true)
    expect(isTimestampFresh(String(sec + 301), now, MAX_CLOCK_SKEW_SEC)).toBe(false)
    expect(isTimestampFresh(String(sec - 301), now, MAX_CLOCK_SKEW_SEC)).toBe(false)
  })

  it('leaves an absent header to the signature check and refuses one that is not a plain number', () => {
    expect(isTimestampFresh(undefined, now, MAX_CLOCK_SKEW_SEC)).toBe(true)
    for (const bad of ['', 'soon', '1e9', `${sec}.5`, '-1', ' '])
      expect(isTimestampFresh(bad, now, MAX_CLOCK_SKEW_SEC)).toBe(false)
    expect(isTimestampFresh([String(sec), String(sec)], now, MAX_CLOCK_SKEW_SEC)).toBe(false)
  })
})
