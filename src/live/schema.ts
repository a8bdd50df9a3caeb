import { z } from 'zod'
import { parseItemValues } from '../catalog/index.ts'
import { AppError, type Item } from '../core/index.ts'

/** Most items one `POST /v1/items` call upserts. */
export const MAX_ITEMS_PER_CALL = 1000

const itemObject = z.record(z.string(), z.unknown())

/** `{ "items": [ ... ] }` with 1 to 1,000 items, or one item object on its own. */
export const itemsBodySchema = z.union([
  z.object({ items: z.array(itemObject).min(1).max(MAX_ITEMS_PER_CALL) }).strict(),
  itemObject.refine((v) => !('items' in v), { message: 'expected { items: [...] } or one item' }),
])

/**
 * Validates every item with the catalogue's rules (`input.invalid` naming `items[i].field` for each problem;
 * nothing is stored then). An id given twice in one call is a problem too.
 */
export function parseItems(body: z.infer<typeof itemsBodySchema>): Item[] {
  const values = Array.isArray(body.items) ? (body.items as Record<string, unknown>[]) : [body]
  const items: Item[] = []
  const issues: string[] = []
  const seen = new Set<string>()
  values.forEach((value, i) => {
    const parsed = parseItemValues(value)
    if (!parsed.ok) {
      for (const issue of parsed.issues) issues.push(`${['items', i, ...issue.path].join('.')}: ${issue.message}`)
    } else if (seen.has(parsed.item.id)) {
      issues.push(`items.${i}.id: duplicate id "${parsed.item.id}" in this call`)
    } else {
      seen.add(parsed.item.id)
      items.push(parsed.item)
    }
  })
  if (issues.length > 0) {
    throw new AppError('input.invalid', `Invalid items: ${issues.slice(0, 10).join('; ')}`, { details: { issues } })
  }
  return items
}
