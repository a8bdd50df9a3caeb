import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { AppError, errorMessage, type Item, writeFileAtomic } from '../core/index.ts'
import { bytesToF32, f32ToBytes } from '../index/index.ts'
import { type FactMeanings, tagKey } from '../recommend/index.ts'

/** A build's fact names and their vectors by the build's encoder (listed in the manifest, checked by SHA-256). */
export const MEANINGS_FILE = 'fact-meanings.json'
export const MEANING_VECTORS_FILE = 'fact-meanings.f32'
const FORMAT_VERSION = 1
/** A fact held by fewer items is too rare to be worth a vector (and a wish meaning it finds them by their words). */
const MIN_MEANING_ITEMS = 3

/**
 * The names of the facts (tags) at least {@link MIN_MEANING_ITEMS} items hold: one per fact key ("Vampires" and
 * "vampire" are one fact), its most used spelling lower-cased, sorted so a build's file is the same for the same items.
 */
export function meaningNames(items: readonly Item[]): string[] {
  const spellings = new Map<string, Map<string, number>>()
  for (const item of items) {
    for (const tag of new Set(item.tags.map((t) => t.trim().toLowerCase()))) {
      const key = tagKey(tag)
      if (!key) continue
      const counts = spellings.get(key) ?? new Map<string, number>()
      counts.set(tag, (counts.get(tag) ?? 0) + 1)
      spellings.set(key, counts)
    }
  }
  const names: string[] = []
  for (const counts of spellings.values()) {
    let held = 0
    for (const n of counts.values()) held += n
    if (held < MIN_MEANING_ITEMS) continue
    const [name] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0] as [string, number]
    names.push(name)
  }
  return names.sort()
}

/** Items a name's hubness is measured on: every this-many-th item (a third of ten thousand is plenty, and quick). */
const HUB_SAMPLE_STEP = 3
/** A name's hubness: its mean cosine to this many of its closest sampled items. */
const HUB_NEIGHBOURS = 10

/**
 * How close each name is to the catalogue's items in general: the mean cosine to its {@link HUB_NEIGHBOURS} closest
 * items of a sample. Names like "road movie" or "cult film" sit near every wish of the domain; a wish's closeness to a
 * name counts against this (`facts.ts`), so it picks the names close to it rather than to everything.
 */
export function hubness(names: readonly Float32Array[], items: readonly Float32Array[]): number[] {
  const sample = items.filter((_, i) => i % HUB_SAMPLE_STEP === 0)
  return names.map((name) => {
    const top = new Array<number>(HUB_NEIGHBOURS).fill(Number.NEGATIVE_INFINITY)
    for (const item of sample) {
      let cosine = 0
      for (let k = 0; k < name.length; k++) cosine += (name[k] as number) * (item[k] as number)
      if (cosine <= (top[HUB_NEIGHBOURS - 1] as number)) continue
      top[HUB_NEIGHBOURS - 1] = cosine
      top.sort((a, b) => b - a)
    }
    const kept = top.filter(Number.isFinite)
    return kept.length ? Math.round((kept.reduce((a, b) => a + b, 0) / kept.length) * 1e4) / 1e4 : 0
  })
}

/**
 * The fact meanings of `items`: the names of their facts (`meaningNames`) embedded by `embedNames` (the build's
 * encoder, through its cache), with each name's hubness against the items' own vectors (`itemVectors`, in order).
 */
export async function factMeaningsOf(
  items: readonly Item[],
  itemVectors: readonly Float32Array[],
  embedNames: (names: string[]) => Promise<Float32Array[]>,
): Promise<FactMeanings> {
  const names = meaningNames(items)
  const vectors = await embedNames(names)
  const dimension = vectors[0]?.length ?? 0
  const flat = new Float32Array(names.length * dimension)
  vectors.forEach((v, row) => {
    flat.set(v, row * dimension)
  })
  return { names, vectors: flat, dimension, hubness: hubness(vectors, itemVectors) }
}

/** Writes the names, their vectors (unit length, in the names' order) and hubness into a build folder. */
export async function writeFactMeanings(dir: string, meanings: FactMeanings): Promise<void> {
  const { names, vectors, dimension, hubness: hubs } = meanings
  const file = { formatVersion: FORMAT_VERSION, dimension, names, hubness: hubs }
  await writeFileAtomic(join(dir, MEANINGS_FILE), JSON.stringify(file))
  await writeFileAtomic(join(dir, MEANING_VECTORS_FILE), f32ToBytes(vectors))
}

const meaningsSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  dimension: z.number().int().min(0),
  names: z.array(z.string()),
  hubness: z.array(z.number()),
})

/**
 * The fact meanings of a build whose manifest lists them (`files`), else undefined (a build made before they were
 * written serves without them). The manifest's checksums were checked already; a file of another shape or size is
 * `index.corrupt` naming it.
 */
export async function readFactMeanings(dir: string, files: readonly string[]): Promise<FactMeanings | undefined> {
  if (!files.includes(MEANINGS_FILE) || !files.includes(MEANING_VECTORS_FILE)) return undefined
  const corrupt = (file: string, reason: string) =>
    new AppError('index.corrupt', `${file} in ${dir} ${reason}; run \`concierge rebuild\``, { details: { dir, file } })
  let parsed: z.infer<typeof meaningsSchema>
  try {
    parsed = meaningsSchema.parse(JSON.parse(await readFile(join(dir, MEANINGS_FILE), 'utf8')))
  } catch (error) {
    throw corrupt(MEANINGS_FILE, `is not a fact-meanings file (${errorMessage(error)})`)
  }
  const vectors = bytesToF32(new Uint8Array(await readFile(join(dir, MEANING_VECTORS_FILE))))
  if (vectors.length !== parsed.names.length * parsed.dimension)
    throw corrupt(MEANING_VECTORS_FILE, `holds ${vectors.length} values, not ${parsed.names.length} × ${parsed.dimension}`)
  if (parsed.hubness.length !== parsed.names.length)
    throw corrupt(MEANINGS_FILE, `has ${parsed.hubness.length} hubness values for ${parsed.names.length} names`)
  return { names: parsed.names, vectors, dimension: parsed.dimension, hubness: parsed.hubness }
}
