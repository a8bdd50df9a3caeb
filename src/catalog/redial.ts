import { z } from 'zod'
import { AppError, wrapError } from '../core/index.ts'

const messageSchema = z.object({ text: z.string(), senderWorkerId: z.number() })
/** A seeker's or recommender's answers about one mentioned movie: 0 no, 1 yes, 2 did not say. */
const answersSchema = z
  .object({ suggested: z.number().optional(), seen: z.number().optional(), liked: z.number().optional() })
  .passthrough()
const questionsSchema = z
  .union([z.record(z.string(), answersSchema), z.array(z.unknown())])
  .optional()
  .transform((q) => (q === undefined || Array.isArray(q) ? {} : q))

const dialogueSchema = z.object({
  conversationId: z.union([z.string(), z.number()]).transform(String),
  initiatorWorkerId: z.number(),
  movieMentions: z
    .union([z.record(z.string(), z.string().nullable()), z.array(z.unknown())])
    .transform((m) => (Array.isArray(m) ? {} : m)),
  initiatorQuestions: questionsSchema,
  respondentQuestions: questionsSchema,
  messages: z.array(messageSchema),
})

/** One ReDial dialogue: `@id` in a message names the movie `movieMentions[id]` ("Title (Year)"). */
export type Dialogue = z.infer<typeof dialogueSchema>

/** `@12345` movie references inside a ReDial message. */
export const MENTION_RE = /@(\d+)/g

/** Parses ReDial JSON lines already in memory; `file` only names the source in errors. */
export function parseDialogues(raw: string, file: string, limit?: number): Dialogue[] {
  const out: Dialogue[] = []
  const lines = raw.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (!line) continue
    let json: unknown
    try {
      json = JSON.parse(line)
    } catch (error) {
      throw wrapError(error, 'input.invalid', `${file}:${i + 1}: not valid JSON`, { file, line: i + 1 })
    }
    const parsed = dialogueSchema.safeParse(json)
    if (!parsed.success) {
      throw new AppError('input.invalid', `${file}:${i + 1}: not a ReDial dialogue`, {
        details: { file, line: i + 1, problems: parsed.error.issues.slice(0, 5).map((x) => `${x.path.join('.')}: ${x.message}`) },
      })
    }
    out.push(parsed.data)
    if (limit !== undefined && out.length >= limit) break
  }
  return out
}

/** "Cosmos  (2015)" → { title: 'Cosmos', year: 2015 }. */
export function splitMention(name: string): { title: string; year?: number } {
  const m = /^(.*?)\s*\((\d{4})\)\s*$/.exec(name.trim())
  return m ? { title: m[1]!.replace(/\s+/g, ' ').trim(), year: Number(m[2]) } : { title: name.replace(/\s+/g, ' ').trim() }
}

/**
 * Maps ReDial mention names ("Title (Year)") to catalogue items with `lookup` (a title index's, year ±1), first
 * match, remembered per name; names without a year do not map.
 */
export function createMentionMapper(
  lookup: (title: string, year: number) => readonly string[],
): (name: string | null | undefined) => string | undefined {
  const cache = new Map<string, string | undefined>()
  return (name) => {
    if (!name) return undefined
    if (cache.has(name)) return cache.get(name)
    const { title, year } = splitMention(name)
    const id = year === undefined ? undefined : lookup(title, year)[0]
    cache.set(name, id)
    return id
  }
}
