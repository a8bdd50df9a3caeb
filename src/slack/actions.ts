import { z } from 'zod'
import type { FeedbackKind } from '../core/index.ts'

/** Action ids of the buttons this bot renders. Every id starts with `concierge_` so one listener catches them. */
export const ACTION = {
  like: 'concierge_like',
  dislike: 'concierge_dislike',
  more: 'concierge_more',
  notInterested: 'concierge_not_interested',
  /** Suggestion buttons carry an index suffix (`concierge_suggest_0`): action ids must be unique within a block. */
  suggest: 'concierge_suggest',
  removePreference: 'concierge_remove_pref',
} as const

export const ACTION_PATTERN = /^concierge_/

/** Feedback buttons → the feedback kind they record. */
export const FEEDBACK_ACTIONS: Record<string, FeedbackKind> = {
  [ACTION.like]: 'like',
  [ACTION.dislike]: 'dislike',
  [ACTION.notInterested]: 'not_interested',
}

/** Slack's limit on a button value. */
export const MAX_VALUE_CHARS = 2000

const itemValueSchema = z.object({ c: z.string().min(1).max(500), i: z.string().min(1).max(500) })
const suggestValueSchema = z.object({ c: z.string().min(1).max(500), s: z.string().min(1).max(1000) })
const preferenceValueSchema = z.object({ i: z.string().min(1).max(500) })

export type ItemValue = z.infer<typeof itemValueSchema>
export type SuggestValue = z.infer<typeof suggestValueSchema>
export type PreferenceValue = z.infer<typeof preferenceValueSchema>

export function encodeItemValue(conversationId: string, itemId: string): string {
  return JSON.stringify({ c: conversationId, i: itemId } satisfies ItemValue)
}

export function encodeSuggestValue(conversationId: string, suggestion: string): string {
  // Keeps the JSON under Slack's limit whatever the suggestion length.
  const room = MAX_VALUE_CHARS - JSON.stringify({ c: conversationId, s: '' }).length - 16
  return JSON.stringify({ c: conversationId, s: suggestion.slice(0, Math.max(1, Math.min(1000, room))) } satisfies SuggestValue)
}

export function encodePreferenceValue(itemId: string): string {
  return JSON.stringify({ i: itemId } satisfies PreferenceValue)
}

/** Parses a button value; undefined when it is not one of ours (old message, tampered payload). */
export function decodeItemValue(value: string | undefined): ItemValue | undefined {
  return parse(itemValueSchema, value)
}

export function decodeSuggestValue(value: string | undefined): SuggestValue | undefined {
  return parse(suggestValueSchema, value)
}

export function decodePreferenceValue(value: string | undefined): PreferenceValue | undefined {
  return parse(preferenceValueSchema, value)
}

function parse<T>(schema: z.ZodType<T>, value: string | undefined): T | undefined {
  if (value === undefined || value.length > MAX_VALUE_CHARS) return undefined
  let raw: unknown
  try {
    raw = JSON.parse(value)
  } catch {
    return undefined
  }
  const parsed = schema.safeParse(raw)
  return parsed.success ? parsed.data : undefined
}
