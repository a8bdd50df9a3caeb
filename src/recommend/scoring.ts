import type { Item, ItemId } from '../core/index.ts'
import { FEATURES, isDescribed, type PoolContext } from './features.ts'
import type { BlendWeights, ScoreParts } from './types.ts'
import { BLENDED_PARTS, type BlendEnds, type BlendedPart, type PartWeights } from './weights.ts'

/** A scored pool item: its parts (with the total), its vector and its position in the pool. */
export interface ScoredItem {
  id: ItemId
  item: Item
  parts: ScoreParts
  vector: Float32Array | undefined
  at: number
}

/** The parts that weigh another setting without a collaborative model, when the catalogue's text carries everything. */
const WITHOUT_COLLAB = {
  semantic: 'semanticAlone',
  lexical: 'lexicalAlone',
  labelMatch: 'labelMatchAlone',
} as const satisfies Partial<Record<BlendedPart, keyof BlendWeights>>

/**
 * Parts that cost a pass over the whole catalogue per wish (`wishMatch` ranks every item against the wish's vector,
 * about 1 ms a turn on ml-latest-small): not computed when they weigh nothing.
 */
const COSTLY_PARTS: ReadonlySet<BlendedPart> = new Set<BlendedPart>(['wishMatch'])

/**
 * The weight of each blended part for a request of the given specificity (0–1): the open end moved towards the
 * specific end by `specificity` (the knob) × the request's specificity. Without a collaborative model (a catalogue
 * without interactions, or a model that failed to load) `semantic` weighs `semanticAlone` and `lexical`
 * `lexicalAlone` at both ends, so the evidence about this person keeps its weight against the popularity prior; with a
 * model that has nothing to fold in yet, the prior stands in for it on purpose.
 */
export function blendFor(ends: BlendEnds, requestSpecificity: number, hasCollab: boolean): PartWeights {
  const { weights, specific } = ends
  const alone = (key: BlendedPart) => !hasCollab && Object.hasOwn(WITHOUT_COLLAB, key)
  const open = Object.fromEntries(
    BLENDED_PARTS.map((key) => [key, alone(key) ? weights[WITHOUT_COLLAB[key as keyof typeof WITHOUT_COLLAB]] : weights[key]]),
  ) as PartWeights
  const t = weights.specificity * requestSpecificity
  if (t === 0) return open
  const moved = { ...open }
  for (const key of BLENDED_PARTS) {
    if (alone(key)) continue
    moved[key] = open[key] + t * (specific[key] - open[key])
  }
  return moved
}

/** The blended total of one candidate: its obscurity penalty plus each part of `BLENDED_PARTS` times its weight, in that order. */
export function blendTotal(parts: ScoreParts, partWeights: Readonly<PartWeights>): number {
  let total = (parts.obscurity ?? 0) as number
  for (const key of BLENDED_PARTS) total += partWeights[key] * (parts[key] as number)
  return total
}

/**
 * Every pool item with its parts and blended total, in pool order. A costly part that weighs nothing reads 0 unless
 * `everyPart` (someone reads the parts, e.g. a fit). An item less popular than `minPopularity` and
 * without a description takes the obscurity penalty unless its text match is strong (semantic z ≥ 2).
 */
export function scorePool(
  ctx: PoolContext,
  partWeights: Readonly<PartWeights>,
  specificity: number,
  options: { everyPart?: boolean } = {},
): ScoredItem[] {
  const { weights, view, raw } = ctx
  const skipped = (key: BlendedPart) => COSTLY_PARTS.has(key) && partWeights[key] === 0 && !options.everyPart
  const values = BLENDED_PARTS.map((key) => (skipped(key) ? new Float64Array(ctx.ids.length) : partValues(key, ctx)))
  const semantic = values[BLENDED_PARTS.indexOf('semantic')] as ArrayLike<number>
  return ctx.ids.map((id, i) => {
    const item = ctx.items[i] as Item
    const obscure = view.relPop(id) < weights.minPopularity && !isDescribed(item) && (semantic[i] as number) < 2
    const parts: ScoreParts = { semantic: 0, collaborative: 0, popularity: 0 } as ScoreParts
    BLENDED_PARTS.forEach((key, k) => {
      parts[key] = (values[k] as ArrayLike<number>)[i] as number
    })
    parts.obscurity = obscure ? -weights.obscurity : 0
    parts.total = 0
    parts.semanticWeight = partWeights.semantic
    parts.specificity = specificity
    parts.semanticRaw = raw.semantic[i] as number
    parts.collaborativeRaw = raw.collaborative[i] as number
    parts.popularityRaw = raw.popularity[i] as number
    parts.total = blendTotal(parts, partWeights)
    return { id, item, parts, vector: ctx.vectors[i], at: i }
  })
}

function partValues(key: BlendedPart, ctx: PoolContext): ArrayLike<number> {
  const feature: (ctx: PoolContext) => ArrayLike<number> = FEATURES[key]
  return feature(ctx)
}
