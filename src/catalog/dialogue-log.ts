import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { wrapError } from '../core/index.ts'
import { parseInspiredDialogues } from './inspired.ts'
import { type Dialogue, parseDialogues } from './redial.ts'

/**
 * Reads a conversation log: ReDial-format JSON lines (conversationId, initiatorWorkerId, movieMentions, messages,
 * optional initiatorQuestions/respondentQuestions), or an INSPIRED `.tsv` file turned into the same shape, the first
 * `limit` dialogues when given, with the SHA-256 of the whole file (what a build records of the log it learned from).
 * Throws `data.not_found` when the file cannot be read and `input.invalid` naming the line of a malformed dialogue.
 */
export async function readDialogues(file: string, limit?: number): Promise<{ dialogues: Dialogue[]; sha256: string }> {
  let raw: string
  try {
    raw = await readFile(file, 'utf8')
  } catch (error) {
    throw wrapError(
      error,
      'data.not_found',
      `Cannot read the dialogues file ${file}: it must be a ReDial .jsonl or an INSPIRED .tsv file`,
      {
        file,
      },
    )
  }
  const dialogues = file.toLowerCase().endsWith('.tsv')
    ? parseInspiredDialogues(raw, file, limit)
    : parseDialogues(raw, file, limit)
  return { dialogues, sha256: createHash('sha256').update(raw).digest('hex') }
}
