import { AppError } from '../core/index.ts'
import { parseCsv } from './csv.ts'
import type { Dialogue } from './redial.ts'

/** The INSPIRED columns a dialogue needs; the others (strategies, people, genres) are not read. */
const REQUIRED = ['dialog_id', 'speaker', 'text', 'movies'] as const
const SEEKER = 1
const RECOMMENDER = 2

/**
 * Parses INSPIRED dialogues (Hayati et al., EMNLP 2020: tab-separated, one utterance per row, `movies` listing the
 * "Title (Year)" names an utterance mentions, `;`-separated) into the ReDial shape the rest of Concierge reads: each
 * distinct name gets a numeric `@id` within the file, written where the title appears in the text (or after it
 * when the annotators named a movie the text only alludes to). The seeker is the initiator; INSPIRED has no
 * per-movie questionnaire, so every mention counts as liked. `file` only names the source in errors.
 */
export function parseInspiredDialogues(raw: string, file: string, limit?: number): Dialogue[] {
  let problem: { line: number; message: string } | undefined
  const records = parseCsv(raw, { delimiter: '\t', onError: (e) => (problem ??= e) })
  if (problem) throw invalid(`${file}:${problem.line}: ${problem.message}`, file, problem.line)
  const header = records[0]?.fields.map((f) => f.trim())
  const columns = REQUIRED.map((name) => header?.indexOf(name) ?? -1)
  const missing = REQUIRED.filter((_, i) => columns[i]! < 0)
  if (!header || missing.length > 0) {
    throw invalid(`${file}:1: not an INSPIRED file: no ${missing.join(', ')} column (tab-separated, header first)`, file)
  }
  const [dialogCol, speakerCol, textCol, moviesCol] = columns as [number, number, number, number]
  const ids = new Map<string, string>()
  const out: Dialogue[] = []
  let current: Dialogue | undefined
  for (const { fields, line } of records.slice(1)) {
    if (fields.length < header.length) {
      throw invalid(`${file}:${line}: ${fields.length} fields where the header has ${header.length}`, file, line)
    }
    const speaker = fields[speakerCol]!.trim().toUpperCase()
    if (speaker !== 'SEEKER' && speaker !== 'RECOMMENDER') {
      throw invalid(`${file}:${line}: speaker is ${JSON.stringify(fields[speakerCol])}, not SEEKER or RECOMMENDER`, file, line)
    }
    const dialogId = fields[dialogCol]!.trim()
    if (!dialogId) throw invalid(`${file}:${line}: empty dialog_id`, file, line)
    if (current?.conversationId !== dialogId) {
      if (limit !== undefined && out.length >= limit) break
      current = {
        conversationId: dialogId,
        initiatorWorkerId: SEEKER,
        movieMentions: {},
        initiatorQuestions: {},
        respondentQuestions: {},
        messages: [],
      }
      out.push(current)
    }
    let text = fields[textCol]!
    for (const name of fields[moviesCol]!.split(';')) {
      const movie = name.trim()
      if (!movie) continue
      let id = ids.get(movie)
      if (id === undefined) {
        id = String(ids.size + 1)
        ids.set(movie, id)
      }
      current.movieMentions[id] = movie
      text = placeMention(text, movie, id)
    }
    current.messages.push({ text, senderWorkerId: speaker === 'SEEKER' ? SEEKER : RECOMMENDER })
  }
  return out
}

/** `text` with the first whole-word occurrence of the movie's title (any case, without its year) replaced by `@id`, or `@id` appended. */
function placeMention(text: string, movie: string, id: string): string {
  const title = movie.replace(/\s*\(\d{4}\)\s*$/, '').trim()
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const m = title ? new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'iu').exec(text) : null
  if (!m) return `${text} @${id}`
  return `${text.slice(0, m.index)}@${id}${text.slice(m.index + m[0].length)}`
}

function invalid(message: string, file: string, line?: number): AppError {
  return new AppError('input.invalid', message, { details: { file, ...(line !== undefined ? { line } : {}) } })
}
