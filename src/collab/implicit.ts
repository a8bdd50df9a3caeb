import type { Interaction, ItemId, UserId } from '../core/index.ts'
import { usersPerItem } from './rows.ts'

/** Events that say a person wanted the item. Anything else (dislike, not_interested, skip…) is not a positive. */
const POSITIVE_EVENTS = new Set([
  'like',
  'love',
  'favorite',
  'purchase',
  'buy',
  'order',
  'view',
  'click',
  'open',
  'watch',
  'play',
  'listen',
  'read',
  'add_to_cart',
  'cart',
  'seen',
  'rate',
])

export const DEFAULT_POSITIVE_THRESHOLD = 3.5

/**
 * Whether an interaction is positive implicit feedback: a rating at or above the threshold, else a positive
 * event, else (a bare interaction without rating or event) yes.
 */
export function isPositive(interaction: Interaction, threshold = DEFAULT_POSITIVE_THRESHOLD): boolean {
  if (interaction.rating !== undefined && Number.isFinite(interaction.rating)) return interaction.rating >= threshold
  if (interaction.event !== undefined) return POSITIVE_EVENTS.has(interaction.event.toLowerCase())
  return true
}

/** Each user's positive items (deduplicated), users and items in first-seen order. */
export function positivesByUser(
  interactions: readonly Interaction[],
  threshold = DEFAULT_POSITIVE_THRESHOLD,
): Map<UserId, ItemId[]> {
  const sets = new Map<UserId, Set<ItemId>>()
  for (const it of interactions) {
    if (!isPositive(it, threshold)) continue
    let set = sets.get(it.userId)
    if (!set) {
      set = new Set()
      sets.set(it.userId, set)
    }
    set.add(it.itemId)
  }
  const out = new Map<UserId, ItemId[]>()
  for (const [user, set] of sets) out.set(user, [...set])
  return out
}

/**
 * Popularity prior: the share of users with a positive interaction on each item, in [0, 1].
 * Items without any positive are absent.
 */
export function popularityScores(
  interactions: readonly Interaction[],
  threshold = DEFAULT_POSITIVE_THRESHOLD,
): Map<ItemId, number> {
  const byUser = positivesByUser(interactions, threshold)
  const counts = usersPerItem([...byUser.values()])
  const users = Math.max(1, byUser.size)
  const out = new Map<ItemId, number>()
  for (const [id, c] of counts) out.set(id, c / users)
  return out
}
