/** A bounded map that forgets the least recently used entry first (Map keeps insertion order). */
export class LruCache<K, V> {
  readonly #max: number
  readonly #map = new Map<K, V>()

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`LRU size must be a positive integer, got ${max}`)
    this.#max = max
  }

  get size(): number {
    return this.#map.size
  }

  get(key: K): V | undefined {
    const value = this.#map.get(key)
    if (value === undefined) return undefined
    this.#map.delete(key)
    this.#map.set(key, value)
    return value
  }

  /** Whether the key is cached, without making it recent. */
  has(key: K): boolean {
    return this.#map.has(key)
  }

  set(key: K, value: V): void {
    this.#map.delete(key)
    this.#map.set(key, value)
    if (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value as K)
  }

  clear(): void {
    this.#map.clear()
  }
}

/**
 * Embeds through a cache: returns one vector per text, calling `embed` once with only the texts not cached
 * (deduplicated). Vectors are shared, so callers must not mutate them.
 */
export async function embedCached(
  cache: LruCache<string, Float32Array>,
  texts: readonly string[],
  embed: (texts: string[]) => Promise<Float32Array[]>,
): Promise<Float32Array[]> {
  const out: (Float32Array | undefined)[] = texts.map((t) => cache.get(t))
  const missing = [...new Set(texts.filter((_, i) => out[i] === undefined))]
  if (missing.length > 0) {
    const vectors = await embed(missing)
    missing.forEach((t, i) => {
      cache.set(t, vectors[i] as Float32Array)
    })
    texts.forEach((t, i) => {
      out[i] ??= cache.get(t)
    })
  }
  return out as Float32Array[]
}
