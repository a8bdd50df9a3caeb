import { z } from 'zod'
import { AppError } from '../core/index.ts'

/** Ids from clients: conversation ids, user ids, item ids. Printable, no spaces, bounded. */
export const idSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:@-]+$/, 'expected letters, digits and _ . : @ -')

export const messageBodySchema = z.object({
  text: z.string().trim().min(1, 'expected a non-empty message').max(2000),
  userId: idSchema.optional(),
})

/** An Idempotency-Key header: 1-255 visible ASCII characters (a UUID is typical). */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, 'expected 1-255 visible ASCII characters')
  .optional()

export const feedbackBodySchema = z.object({
  itemId: z.string().min(1).max(128),
  kind: z.enum(['like', 'dislike', 'seen', 'not_interested']),
  userId: idSchema.optional(),
})

/** `POST /v1/conversations/{id}/opened`: the item a person opened, and who (as for feedback). */
export const openedBodySchema = z.object({
  itemId: z.string().min(1).max(128),
  userId: idSchema.optional(),
})

/** Parses a JSON body against a schema; every problem is listed in `details.issues` as `field: message`. */
export function parseBody<T>(schema: z.ZodType<T>, raw: string): T {
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    throw new AppError('input.invalid', 'The request body is not valid JSON.')
  }
  return parseValue(schema, json, 'body')
}

export function parseValue<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues.map((i) => `${[where, ...i.path].join('.')}: ${i.message}`)
  throw new AppError('input.invalid', `Invalid request: ${issues.join('; ')}`, { details: { issues } })
}
