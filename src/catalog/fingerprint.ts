import { createFingerprint, type Interaction, type Item } from '../core/index.ts'

/** Bump when the normalised form below changes, so old fingerprints no longer match. */
const FORMAT = 'concierge-catalog-v1'

/**
 * SHA-256 over the normalised catalogue: every item as JSON with a fixed key order (metadata keys sorted), then
 * every interaction as `user\titem\tevent\t` + rating and timestamp as float64, both in load order. Same data, same fingerprint.
 */
export function catalogFingerprint(items: readonly Item[], interactions: readonly Interaction[]): string {
  const fp = createFingerprint()
  fp.add(FORMAT)
  fp.add(`items:${items.length}`)
  for (const it of items) {
    const metadata = Object.fromEntries(
      Object.keys(it.metadata)
        .sort()
        .map((k) => [k, it.metadata[k]]),
    )
    fp.add(
      JSON.stringify([it.id, it.title, it.description, it.tags, it.categories, it.year ?? null, it.imageUrl ?? null, metadata]),
    )
  }
  fp.add(`interactions:${interactions.length}`)
  // Interactions go through a reusable buffer (ids as UTF-8, numbers as float64, NaN when absent): one hash
  // update or string per row would be the slowest part of loading.
  const buf = Buffer.allocUnsafe(1 << 20)
  let off = 0
  for (let i = 0; i < interactions.length; i++) {
    const x = interactions[i] as Interaction
    const need = 3 * (x.userId.length + x.itemId.length + (x.event?.length ?? 0)) + 24
    if (off + need > buf.length) {
      fp.add(buf.subarray(0, off))
      off = 0
    }
    off += buf.write(x.userId, off)
    buf[off++] = 9
    off += buf.write(x.itemId, off)
    buf[off++] = 9
    if (x.event !== undefined) off += buf.write(x.event, off)
    buf[off++] = 9
    off = buf.writeDoubleLE(x.rating ?? Number.NaN, off)
    off = buf.writeDoubleLE(x.timestamp ?? Number.NaN, off)
  }
  fp.add(buf.subarray(0, off))
  return fp.digest()
}
