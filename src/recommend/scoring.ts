import type { Item, ItemId } from '../core/index.ts'
import { FEATURES, isDescribed, type PoolContext } from './features.ts'
import type { BlendWeights, ScoreParts } from './types.ts'
import { BLENDED_PARTS, type BlendedPart } from './weights.ts'

/** A scored pool item: its parts (with the total), its vector and its position in the pool. */
export interface ScoredItem {
  id: ItemId
  item: Item
  parts: ScoreParts
  vector: Float32Array | undefined
  at: number
}

/**
 * The blended total of one candidate: its obscurity penalty plus each part of `BLENDED_PARTS` times its weight, in
 * that order (`semantic` weighs `semanticWeight`: `semanticAlone` without a collaborative model).
 */
export function blendTotal(parts: ScoreParts, weights: Readonly<BlendWeights>, semanticWeight: number): number {
  let total = (parts.obscurity ?? 0) as number
  for (const key of BLENDED_PARTS) total += (key === 'semantic' ? semanticWeight : weights[key]) * (parts[key] as number)
  return total
}

/**
 * Every pool item with its parts and blended total, in pool order. An item less popular than `minPopularity` and
 * without a description takes the obscurity penalty unless its text match is strong (semantic z ≥ 2).
 */
export function scorePool(ctx: PoolContext, semanticWeight: number): ScoredItem[] {
  const { weights, view, raw } = ctx
  const values = BLENDED_PARTS.map((key) => partValues(key, ctx))
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
    parts.semanticWeight = semanticWeight
    parts.semanticRaw = raw.semantic[i] as number
    parts.collaborativeRaw = raw.collaborative[i] as number
    parts.popularityRaw = raw.popularity[i] as number
    parts.total = blendTotal(parts, weights, semanticWeight)
    return { id, item, parts, vector: ctx.vectors[i], at: i }
  })
}

function partValues(key: BlendedPart, ctx: PoolContext): ArrayLike<number> {
  const feature: (ctx: PoolContext) => ArrayLike<number> = FEATURES[key]
  return feature(ctx)
}
