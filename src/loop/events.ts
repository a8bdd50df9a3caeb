import { z } from 'zod'
import { AppError, type ItemId } from '../core/index.ts'
import type { Store } from '../store/index.ts'

/** Most events one call records. */
export const MAX_EVENTS_PER_CALL = 1000
/** A rating at or above this (0–5 scale) counts as a like in the user's profile, at or below `DISLIKE_RATING` as a dislike. */
export const LIKE_RATING = 3.5
export const DISLIKE_RATING = 2

const EVENT_TYPES = ['like', 'dislike', 'view', 'click', 'purchase', 'rating'] as const
const boundedId = z.string().min(1).max(128)

/** One interaction sent by a shop's server: `timestamp` in seconds since the epoch or an ISO date (default: now). */
export const itemEventSchema = z
  .object({
    userId: boundedId,
    itemId: boundedId,
    type: z.enum(EVENT_TYPES),
    value: z.number().finite().optional(),
    timestamp: z.union([z.number().finite().nonnegative(), z.string().datetime({ offset: true })]).optional(),
  })
  .refine((e) => e.type !== 'rating' || e.value !== undefined, { message: 'a rating needs a value', path: ['value'] })

export const eventsBodySchema = z.object({ events: z.array(itemEventSchema).min(1).max(MAX_EVENTS_PER_CALL) })

export type ItemEvent = z.infer<typeof itemEventSchema>

/** Records interactions in the store: training data for the next rebuild and, for opinions, the user's profile. */
export interface EventRecorder {
  /**
   * Checks every event's item first (`input.invalid` naming `events[i].itemId` for one the catalogue does not
   * have; nothing is recorded then), then records them all. Returns how many were recorded.
   */
  record(events: readonly ItemEvent[], hasItem: (id: ItemId) => boolean, now?: number): Promise<{ recorded: number }>
}

export function createEventRecorder(
  store: Pick<Store, 'recordInteraction' | 'setPreference'>,
  hooks: { onRecorded?: (events: readonly ItemEvent[], now: number) => void | Promise<void> } = {},
): EventRecorder {
  return {
    async record(events, hasItem, now = Date.now()) {
      const unknown = events.flatMap((e, i) => (hasItem(e.itemId) ? [] : [`events[${i}].itemId: no item "${e.itemId}"`]))
      if (unknown.length > 0) {
        throw new AppError('input.invalid', `Unknown items: ${unknown.slice(0, 10).join('; ')}`, {
          details: { issues: unknown },
        })
      }
      for (const event of events) {
        const timestamp = toSeconds(event.timestamp, now)
        const interaction = { userId: event.userId, itemId: event.itemId, event: event.type, timestamp }
        await store.recordInteraction(event.type === 'rating' ? { ...interaction, rating: event.value } : interaction)
        const opinion = opinionOf(event)
        if (opinion) await store.setPreference(event.userId, event.itemId, opinion)
      }
      await hooks.onRecorded?.(events, now)
      return { recorded: events.length }
    },
  }
}

/** What an event says about the user's taste, as feedback buttons do: purchases are likes, ratings by value. */
export function opinionOf(event: Pick<ItemEvent, 'type' | 'value'>): 'like' | 'dislike' | undefined {
  if (event.type === 'like' || event.type === 'purchase') return 'like'
  if (event.type === 'dislike') return 'dislike'
  if (event.type === 'rating' && event.value !== undefined) {
    if (event.value >= LIKE_RATING) return 'like'
    if (event.value <= DISLIKE_RATING) return 'dislike'
  }
  return undefined
}

function toSeconds(timestamp: ItemEvent['timestamp'], now: number): number {
  if (timestamp === undefined) return Math.floor(now / 1000)
  if (typeof timestamp === 'number') return Math.floor(timestamp)
  return Math.floor(Date.parse(timestamp) / 1000)
}
