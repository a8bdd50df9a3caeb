import { type CandidateSource, sha256, type UserId } from '../core/index.ts'

/** What a variant changes: the blend, candidate sources switched on or off, the LLM on or off (unset: as configured). */
export interface VariantOverrides {
  blend?: Record<string, number>
  sources?: Partial<Record<CandidateSource, boolean>>
  llm?: boolean
}

/** A variant's traffic share and its overrides, as configured in CONCIERGE_VARIANTS. */
export interface VariantConfig extends VariantOverrides {
  share: number
}

/** The single variant when none are configured. */
export const DEFAULT_VARIANT = 'default'

/**
 * The variant a user is in: a hash of the user id, as a number in [0, 1), falls in one variant's share (variants in
 * name order). The same user always gets the same variant while the shares stay the same.
 */
export function assignVariant(userId: UserId, variants: Readonly<Record<string, VariantConfig>> | undefined): string {
  if (!variants) return DEFAULT_VARIANT
  const names = Object.keys(variants).sort()
  const point = Number.parseInt(sha256(`variant:${userId}`).slice(0, 12), 16) / 16 ** 12
  let upTo = 0
  for (const name of names) {
    upTo += variants[name]?.share ?? 0
    if (point < upTo) return name
  }
  // Rounding can leave the top of the range unassigned: it belongs to the last variant with a share.
  return names.filter((n) => (variants[n]?.share ?? 0) > 0).at(-1) ?? DEFAULT_VARIANT
}
