import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { dataSources } from '../../test/support/data.ts'
import { readDialogues } from './dialogue-log.ts'
import { parseInspiredDialogues } from './inspired.ts'
import { MENTION_RE } from './redial.ts'

const HEADER = 'dialog_id\tutt_id\tspeaker\tturn_id\ttext\tmovies\tgenres'
const tsv = (...rows: string[]) => [HEADER, ...rows].join('\n')

describe('parseInspiredDialogues', () => {
  it('groups utterances by dialogue and writes each annotated movie as an @id where its title is', () => {
    const [first, second, ...rest] = parseInspiredDialogues(
      tsv(
        'a\t1\tRECOMMENDER\t1\tWhat do you like?\t\t',
        'a\t2\tSEEKER\t1\tI liked Up and the matrix, I grew up on it\tUp (2009); The Matrix (1999)\t',
        'a\t3\tRECOMMENDER\t2\tThen a trailer for you\tInception (2010)\t',
        'b\t1\tSEEKER\t1\tUp again\tUp (2009)\t',
      ),
      'x.tsv',
    )
    expect(rest).toEqual([])
    expect(first).toMatchObject({ conversationId: 'a', initiatorWorkerId: 1 })
    expect(first!.messages.map((m) => m.senderWorkerId)).toEqual([2, 1, 2])
    const ids = Object.fromEntries(Object.entries(first!.movieMentions).map(([id, name]) => [name, id]))
    expect(Object.keys(ids)).toEqual(['Up (2009)', 'The Matrix (1999)', 'Inception (2010)'])
    // Whole words only ("grew up" stays), any case; a movie the text does not name is appended.
    expect(first!.messages[1]!.text).toBe(`I liked @${ids['Up (2009)']} and @${ids['The Matrix (1999)']}, I grew up on it`)
    expect(first!.messages[2]!.text).toBe(`Then a trailer for you @${ids['Inception (2010)']}`)
    expect([...first!.messages[1]!.text.matchAll(MENTION_RE)]).toHaveLength(2)
    // One id per name across the file.
    expect(second!.messages[0]!.text).toBe(`@${ids['Up (2009)']} again`)
    expect(parseInspiredDialogues(tsv('a\t1\tSEEKER\t1\thi\t\t', 'b\t1\tSEEKER\t1\thi\t\t'), 'x.tsv', 1)).toHaveLength(1)
  })

  it('names the file and line of what it cannot read', () => {
    const fails = (raw: string, message: RegExp, line?: number) => {
      expect(() => parseInspiredDialogues(raw, 'x.tsv')).toThrow(
        expect.objectContaining({
          code: 'input.invalid',
          message: expect.stringMatching(message),
          details: expect.objectContaining({ file: 'x.tsv', ...(line ? { line } : {}) }),
        }),
      )
    }
    fails('dialog_id\tspeaker\ttext\na\tSEEKER\thi', /x\.tsv:1: not an INSPIRED file: no movies column/)
    fails(tsv('a\t1\tSEEKER\t1\thi\t\t', 'a\t2\tCRITIC\t1\thi\t\t'), /x\.tsv:3: speaker is "CRITIC"/, 3)
    fails(tsv('a\t1\tSEEKER\t1\thi'), /x\.tsv:2: 5 fields where the header has 7/, 2)
    fails(tsv('\t1\tSEEKER\t1\thi\t\t'), /x\.tsv:2: empty dialog_id/, 2)
    fails(tsv('a\t1\tSEEKER\t1\t"never closed\t\t'), /x\.tsv:2: /, 2)
  })

  it('is what readDialogues returns for a .tsv file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concierge-inspired-'))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))
    const file = join(dir, 'log.tsv')
    writeFileSync(file, tsv('a\t1\tSEEKER\t1\tI liked Up\tUp (2009)\t'))
    const { dialogues, sha256 } = await readDialogues(file)
    expect(dialogues[0]!.movieMentions).toEqual({ '1': 'Up (2009)' })
    expect(sha256).toMatch(/^[0-9a-f]{64}$/)
  })
})

// The real dev file has 99 dialogues and over 400 mentions; the fixture file 3 and 9.
const SIZES = { real: { dialogues: 99, mentions: 400 }, fixtures: { dialogues: 3, mentions: 8 } }

describe.each(dataSources())('the INSPIRED dev dialogues ($name data)', ({ name, dir }) => {
  it('reads every dialogue with its annotated movies', async () => {
    const { dialogues } = await readDialogues(join(dir, 'inspired', 'dev.tsv'))
    expect(dialogues).toHaveLength(SIZES[name].dialogues)
    const mentions = dialogues.reduce((n, d) => n + Object.keys(d.movieMentions).length, 0)
    expect(mentions).toBeGreaterThan(SIZES[name].mentions)
    // Seeker and recommender both speak in every dialogue, and every mention is written into some message.
    for (const d of dialogues) {
      expect(new Set(d.messages.map((m) => m.senderWorkerId))).toEqual(new Set([1, 2]))
      const written = new Set(d.messages.flatMap((m) => [...m.text.matchAll(MENTION_RE)].map((x) => x[1])))
      expect(written).toEqual(new Set(Object.keys(d.movieMentions)))
    }
  })
})
