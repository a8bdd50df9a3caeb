/** Fisher–Yates shuffle in place with the given PRNG. */
export function shuffleInPlace<T>(values: T[], rng: () => number): T[] {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    const tmp = values[i] as T
    values[i] = values[j] as T
    values[j] = tmp
  }
  return values
}

/** A standard normal draw (Box–Muller). */
export function normalDraw(rng: () => number): number {
  const u = Math.max(rng(), 1e-12)
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng())
}
