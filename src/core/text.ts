/**
 * Shortens `text` to at most `max` characters, `ellipsis` included, for people to read: cut at the last space
 * before the limit when that keeps more than half of it (else mid-word), without trailing spaces or `,;:.`, then
 * the ellipsis. Text that already fits comes back unchanged. (Catalogue item texts are cut with it before they are
 * embedded: a change here changes their vectors.)
 */
export function clipWords(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text
  const room = max - ellipsis.length
  if (room <= 0) return ''
  const slice = text.slice(0, room)
  const space = slice.lastIndexOf(' ')
  const base = space > max / 2 ? slice.slice(0, space) : slice
  return `${base.replace(/[\s,;:.]+$/, '')}${ellipsis}`
}

/** A URL without its password, for messages and logs (a connection URL is a secret; its host is not). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unparsable URL)'
  }
}
