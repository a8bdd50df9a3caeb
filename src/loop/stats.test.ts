import { describe, expect, it } from 'vitest'
import { normalCdf, twoProportionTest, wilsonInterval } from './stats.ts'

describe('wilsonInterval', () => {
  it('matches the textbook 95% interval of 10 successes in 100 trials', () => {
    const [low, high] = wilsonInterval(10, 100)
    expect(low).toBeCloseTo(0.0552, 3)
    expect(high).toBeCloseTo(0.1744, 3)
  })
  it('stays inside [0, 1] at the edges and is empty without trials', () => {
    expect(wilsonInterval(0, 20)[0]).toBe(0)
    expect(wilsonInterval(20, 20)[1]).toBeCloseTo(1, 10)
    expect(wilsonInterval(0, 0)).toEqual([0, 0])
  })
})

describe('twoProportionTest', () => {
  it('finds 60/100 against 40/100 significant (z ≈ 2.83) and 52/100 against 48/100 not', () => {
    const strong = twoProportionTest(60, 100, 40, 100)
    expect(strong.z).toBeCloseTo(2.828, 2)
    expect(strong.p).toBeCloseTo(0.0047, 3)
    expect(twoProportionTest(52, 100, 48, 100).p).toBeGreaterThan(0.5)
  })
  it('answers p = 1 when a side has no trials or nothing varies', () => {
    expect(twoProportionTest(1, 0, 1, 10).p).toBe(1)
    expect(twoProportionTest(0, 10, 0, 10).p).toBe(1)
  })
  it('uses a normal CDF accurate to 1e-6', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6)
    expect(normalCdf(0)).toBeCloseTo(0.5, 6)
  })
})
