import { clipWords, type Item } from '../core/index.ts'

/** Most characters `itemText` returns. */
export const ITEM_TEXT_MAX_CHARS = 1000
/** Most tags `itemText` includes (the most frequent ones). */
export const ITEM_TEXT_MAX_TAGS = 10

const ENDS_SENTENCE = /[.!?…]["')\]]?$/

function sentence(s: string): string {
  const t = s.trim()
  return t === '' || ENDS_SENTENCE.test(t) ? t : `${t}.`
}

/**
 * The one text an item is embedded from:
 *
 * `{title} ({year}). {categories joined ", "}. {description} Tags: {first 10 tags joined ", "}.`
 *
 * e.g. `Toy Story (1995). Adventure, Animation, Children, Comedy, Fantasy. Led by Woody, … Tags: pixar, fun.`
 * Empty parts are left out with their punctuation; a final `.` is added only where a part does not already end a
 * sentence. At most {@link ITEM_TEXT_MAX_CHARS} characters: when longer, the description is cut at a word
 * boundary and ends with `…`, so the title, categories and tags always survive.
 */
export function itemText(item: Item): string {
  const title = item.title.trim()
  const head = title === '' ? '' : sentence(item.year !== undefined ? `${title} (${item.year})` : title)
  const cats = item.categories.length > 0 ? sentence(item.categories.join(', ')) : ''
  const tags = item.tags.length > 0 ? sentence(`Tags: ${item.tags.slice(0, ITEM_TEXT_MAX_TAGS).join(', ')}`) : ''
  let description = sentence(item.description.replace(/\s+/g, ' '))
  const fixed = [head, cats, tags].filter((p) => p !== '')
  const fixedLength = fixed.reduce((n, p) => n + p.length + 1, 0)
  const room = ITEM_TEXT_MAX_CHARS - fixedLength - 1
  if (description.length > room) description = clipWords(description, room)
  const text = [head, cats, description, tags].filter((p) => p !== '').join(' ')
  return clipWords(text, ITEM_TEXT_MAX_CHARS)
}
