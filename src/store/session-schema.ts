import { z } from 'zod'
import { AppError, wrapError } from '../core/index.ts'
import type { SessionState } from './types.ts'

const id = z.string()

/** Validates a session read back from storage, so a damaged row fails loudly instead of steering badly. */
export const sessionSchema = z.object({
  conversationId: z.string(),
  userId: z.string(),
  turn: z.number().int().min(0),
  liked: z.array(id),
  disliked: z.array(id),
  seen: z.array(id),
  rejected: z.array(id),
  anchors: z.array(z.object({ id, weight: z.number(), turn: z.number() })),
  constraints: z.object({
    includeCategories: z.array(z.string()),
    excludeCategories: z.array(z.string()),
    categoryGroups: z.array(z.array(z.string())).optional(),
    mentions: z.array(z.string()).optional(),
    yearMin: z.number().optional(),
    yearMax: z.number().optional(),
    metadata: z
      .array(
        z.object({
          field: z.string(),
          min: z.number().optional(),
          max: z.number().optional(),
          equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
        }),
      )
      .optional(),
    facets: z
      .array(
        z.object({
          field: z.string(),
          include: z.array(z.string()).optional(),
          exclude: z.array(z.string()).optional(),
          orMissing: z.boolean().optional(),
          min: z.number().optional(),
          max: z.number().optional(),
        }),
      )
      .optional(),
  }),
  preferences: z.array(
    z.object({
      text: z.string(),
      weight: z.number(),
      turn: z.number(),
      filtered: z.array(z.string()).optional(),
      // Sessions stored before critiques kept their words have none.
      said: z.string().optional(),
      contrast: z.literal(true).optional(),
      lean: z.array(z.string()).optional(),
      kept: z.number().optional(),
    }),
  ),
  shown: z.array(id),
  lastShown: z.array(id),
  focus: id.optional(),
  pending: z
    .object({
      candidates: z.array(id),
      intent: z.enum(['like', 'dislike', 'seen', 'anchor']),
      mention: z.string(),
      turn: z.number(),
    })
    .optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
}) satisfies z.ZodType<SessionState>

/** The session stored as JSON text; `store.failed` naming the conversation when it is damaged. */
export function parseSession(json: string, conversationId: string): SessionState {
  let raw: unknown
  try {
    raw = JSON.parse(json)
  } catch (error) {
    throw wrapError(error, 'store.failed', `The stored session ${conversationId} is damaged`, { conversationId })
  }
  const parsed = sessionSchema.safeParse(raw)
  if (!parsed.success) {
    throw new AppError('store.failed', `The stored session ${conversationId} is damaged`, {
      details: { conversationId, issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`) },
    })
  }
  return parsed.data as SessionState
}
