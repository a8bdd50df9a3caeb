import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { dataSources } from '../../test/support/data.ts'
import { ML_TINY, tinyBuild } from '../../test/support/tiny-build.ts'
import { loadCatalog } from '../catalog/index.ts'
import { loadConfig } from '../config/index.ts'
import { runConversationEval } from '../eval/index.ts'
import { blendPopularity, loadDialogueLog, loadTrainingCatalog, resolveDialogueFiles } from './dialogues.ts'

const tmp = mkdtempSync(join(tmpdir(), 'concierge-dialogues-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const SEEKER = 1
const HELPER = 2
/** A ReDial-format dialogue over the ml-tiny fixture's titles. */
function dialogue(id: number, mentions: Record<string, string>, liked: Record<string, number>, text: string[]) {
  return {
    conversationId: id,
    initiatorWorkerId: SEEKER,
    respondentWorkerId: HELPER,
    movieMentions: mentions,
    initiatorQuestions: Object.fromEntries(Object.entries(liked).map(([k, v]) => [k, { suggested: 0, seen: 1, liked: v }])),
    respondentQuestions: [],
    messages: text.map((t, i) => ({ senderWorkerId: i % 2 ? HELPER : SEEKER, text: t, timeOffset: i, messageId: i })),
  }
}

function writeDialogues(name: string, dialogues: object[]): string {
  const file = join(tmp, name)
  writeFileSync(file, dialogues.map((d) => JSON.stringify(d)).join('\n'))
  return file
}

/** An INSPIRED-format file (the columns Concierge reads) of rows [dialog_id, speaker, text, movies]. */
function writeInspired(name: string, rows: string[][]): string {
  const file = join(tmp, name)
  writeFileSync(file, ['dialog_id\tspeaker\ttext\tmovies', ...rows.map((r) => r.join('\t'))].join('\n'))
  return file
}

describe('loadDialogueLog', () => {
  it('turns each dialogue into a pseudo-user: mapped mentions liked, the refused ones disliked', async () => {
    const { items } = await loadCatalog({ dataDir: ML_TINY })
    const file = writeDialogues('log.jsonl', [
      dialogue(
        7,
        { '1': 'Toy Story (1995)', '2': 'The Matrix  (1999)', '3': 'A Film Nobody Made (2031)', '4': 'Toy Story (1995)' },
        { '2': 0 },
        ['I loved @1', 'Then try @2 or @3', 'I did not like @2', 'ok, @4 again'],
      ),
    ])
    const log = await loadDialogueLog([file], items)
    expect(log).toMatchObject({ dialogues: 1, mentions: 4, mapped: 3 })
    expect(log.sources).toEqual([{ file, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), dialogues: 1 }])
    const byEvent = (event: string) =>
      log.interactions
        .filter((x) => x.event === event)
        .map((x) => x.itemId)
        .sort()
    expect(byEvent('like')).toEqual(['1', '1'])
    expect(byEvent('dislike')).toEqual(['2571'])
    expect(new Set(log.interactions.map((x) => x.userId))).toEqual(new Set(['dialogue:7']))
  })

  it('names the line of a malformed dialogue', async () => {
    const file = join(tmp, 'bad.jsonl')
    writeFileSync(file, `${JSON.stringify(dialogue(1, {}, {}, ['hi']))}\n{"conversationId": 2}\n`)
    await expect(loadDialogueLog([file], [])).rejects.toMatchObject({ code: 'input.invalid', details: { line: 2 } })
  })

  it('reads ReDial and INSPIRED logs together, one pseudo-user per dialogue and file', async () => {
    const { items } = await loadCatalog({ dataDir: ML_TINY })
    const redial = writeDialogues('both.jsonl', [
      dialogue(5, { '1': 'Toy Story (1995)', '2': 'Heat' }, {}, ['I loved @1', 'Then @2']),
    ])
    const inspired = writeInspired('both.tsv', [
      ['5', 'SEEKER', 'I want something like the matrix', 'The Matrix (1999)'],
      ['5', 'RECOMMENDER', 'Try Toy Story, or The City of Lost Children', 'Toy Story (1995); The City of Lost Children (1995)'],
    ])
    const log = await loadDialogueLog([redial, inspired], items)
    expect(log.sources.map((x) => [x.file, x.dialogues])).toEqual([
      [redial, 1],
      [inspired, 1],
    ])
    // "Heat" has no year, so it does not map (nor is it in ml-tiny).
    expect(log).toMatchObject({ dialogues: 2, mentions: 5, mapped: 4 })
    const byUser = new Map<string, string[]>()
    for (const x of log.interactions) byUser.set(x.userId, [...(byUser.get(x.userId) ?? []), x.itemId].sort())
    expect(Object.fromEntries(byUser)).toEqual({ 'dialogue:5': ['1'], 'dialogue:1:5': ['1', '2571', '29'] })
  })
})

describe('resolveDialogueFiles', () => {
  it('finds the data folder’s ReDial train file for auto, nothing for none, keeps a list in order, and refuses a missing path', () => {
    const data = join(tmp, 'data')
    expect(resolveDialogueFiles('auto', data)).toEqual([])
    mkdirSync(join(data, 'redial'), { recursive: true })
    mkdirSync(join(data, 'inspired'), { recursive: true })
    for (const f of ['redial/train_data.jsonl', 'inspired/dev.tsv']) writeFileSync(join(data, f), '')
    expect(resolveDialogueFiles('auto', data)).toEqual([join(data, 'redial', 'train_data.jsonl')])
    expect(resolveDialogueFiles('none', data)).toEqual([])
    const listed = `${join(data, 'inspired', 'dev.tsv')}, ${join(data, 'redial', 'train_data.jsonl')}`
    expect(resolveDialogueFiles(listed, data)).toEqual([
      join(data, 'inspired', 'dev.tsv'),
      join(data, 'redial', 'train_data.jsonl'),
    ])
    expect(resolveDialogueFiles(`auto,${join(data, 'redial', 'train_data.jsonl')}`, data)).toEqual([
      join(data, 'redial', 'train_data.jsonl'),
    ])
    expect(resolveDialogueFiles(`auto,${join(data, 'inspired', 'dev.tsv')}`, data)).toEqual([
      join(data, 'redial', 'train_data.jsonl'),
      join(data, 'inspired', 'dev.tsv'),
    ])
    expect(() => resolveDialogueFiles(`${join(data, 'inspired', 'dev.tsv')},${join(tmp, 'missing.jsonl')}`, data)).toThrow(
      expect.objectContaining({ code: 'data.not_found', details: { file: join(tmp, 'missing.jsonl') } }),
    )
  })
})

describe('blendPopularity', () => {
  it('scales each source to a maximum of 1 and mixes them by the weight', () => {
    const ratings = new Map([
      ['a', 0.5],
      ['b', 0.25],
    ])
    const talk = new Map([
      ['b', 0.1],
      ['c', 0.05],
    ])
    const mixed = blendPopularity(ratings, talk, 0.8)
    expect(mixed.get('a')).toBeCloseTo(0.2)
    expect(mixed.get('b')).toBeCloseTo(0.2 * 0.5 + 0.8)
    expect(mixed.get('c')).toBeCloseTo(0.4)
    expect(blendPopularity(ratings, new Map(), 0.8).get('a')).toBeCloseTo(0.2)
  })
})

describe('the popularity prior with catalogue vote counts', () => {
  const prior = async (share: string) => {
    const env = { CONCIERGE_CATALOG_POPULARITY: share, CONCIERGE_DIALOGUES: 'none' }
    const { popularity, catalogPopularity } = await loadTrainingCatalog(loadConfig(env, { overrides: { dataDir: ML_TINY } }))
    // Builds record the share used: the configured one, since ml-tiny has vote counts.
    expect(catalogPopularity).toBe(Number(share))
    return popularity
  }
  it('mixes in the TMDB vote counts by catalogPopularity, and leaves the ratings alone at 0', async () => {
    const none = await prior('0')
    const all = await prior('1')
    // ml-tiny: TMDB votes The Matrix 8,907, Toy Story 5,269, The City of Lost Children 308; La cravate has none.
    expect(all.get('2571')).toBeCloseTo(1)
    expect(all.get('1')).toBeCloseTo(5269 / 8907)
    expect(all.get('29')).toBeCloseTo(308 / 8907)
    expect(all.has('114335')).toBe(false)
    const ratedOnly = [...none.keys()]
    expect(ratedOnly.length).toBeGreaterThan(0)
    const mixed = await prior('0.5')
    const top = Math.max(...none.values())
    for (const id of ratedOnly)
      expect(mixed.get(id)).toBeCloseTo(0.5 * ((none.get(id) as number) / top) + 0.5 * (all.get(id) ?? 0))
  })
})

describe('a build that learned from conversation logs', () => {
  it('records the log, and the conversational eval refuses to replay dialogues it learned from', async () => {
    const dir = join(tmp, 'build')
    const log = writeDialogues('train.jsonl', [
      dialogue(1, { '1': 'Toy Story (1995)', '2': 'The Matrix (1999)' }, {}, ['I loved @1', 'Then @2']),
      dialogue(2, { '1': 'Toy Story (1995)', '3': 'Babylon 5' }, {}, ['anything like @1?', 'maybe @3']),
    ])
    const { config, summary } = await tinyBuild(dir, { CONCIERGE_DIALOGUES: log })
    expect(summary.dialogues).toMatchObject({ sources: [{ file: log, dialogues: 2 }], dialogues: 2, mentions: 4, mapped: 3 })
    // Two dialogue pseudo-users beside the fixture's raters.
    const raters = new Set((await loadCatalog({ dataDir: ML_TINY })).interactions.map((x) => x.userId)).size
    expect(summary.users).toBe(raters + 2)
    await expect(runConversationEval({ dialoguesFile: log, config })).rejects.toMatchObject({ code: 'input.invalid' })
    const other = writeDialogues('other.jsonl', [
      dialogue(3, { '1': 'Toy Story (1995)', '2': 'The Matrix (1999)' }, {}, ['I loved @1', 'Then @2']),
    ])
    const result = await runConversationEval({ dialoguesFile: other, config })
    expect(result.trainedOnDialogues).toEqual({ files: [log], dialogues: 2 })
    expect(result).toMatchObject({ dialogues: 1, targets: 1, mappedTargets: 1 })
    // Builds made before several logs recorded one `file`: still read, still refused.
    const manifestFile = join(config.indexesDir, 'current', 'manifest.json')
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'))
    const { file, sha256, dialogues } = manifest.extra.dialogues.sources[0]
    manifest.extra.dialogues = { file, sha256, dialogues, mentions: 4, mapped: 3 }
    writeFileSync(manifestFile, JSON.stringify(manifest))
    await expect(runConversationEval({ dialoguesFile: log, config })).rejects.toMatchObject({ code: 'input.invalid' })
    expect((await runConversationEval({ dialoguesFile: other, config })).trainedOnDialogues).toEqual({
      files: [log],
      dialogues: 2,
    })
  }, 120_000)

  it('learns from several logs, records each, and refuses to replay any of them', async () => {
    const redial = writeDialogues('several.jsonl', [
      dialogue(1, { '1': 'Toy Story (1995)', '2': 'The Matrix (1999)' }, {}, ['I loved @1', 'Then @2']),
    ])
    const inspired = writeInspired('several.tsv', [
      ['x', 'SEEKER', 'I loved Toy Story', 'Toy Story (1995)'],
      ['x', 'RECOMMENDER', 'Try The Matrix', 'The Matrix (1999)'],
    ])
    const { config, summary } = await tinyBuild(join(tmp, 'several'), { CONCIERGE_DIALOGUES: `${redial},${inspired}` })
    expect(summary.dialogues?.sources.map((x) => [x.file, x.dialogues])).toEqual([
      [redial, 1],
      [inspired, 1],
    ])
    for (const file of [redial, inspired]) {
      await expect(runConversationEval({ dialoguesFile: file, config })).rejects.toMatchObject({
        code: 'input.invalid',
        details: { trainedOn: file },
      })
    }
  }, 120_000)
})

// The real subset: 500 dialogues, 82% of mentions mapping (data README); the fixture log: 24 dialogues, a few
// naming a film no catalogue has.
const LOGS = { real: { dialogues: 500, users: 450 }, fixtures: { dialogues: 24, users: 22 } }

describe.each(dataSources())('the ReDial train subset against ml-latest-small ($name data)', ({ name, dir }) => {
  it('maps most movie mentions by title and year', async () => {
    const { items } = await loadCatalog({ dataDir: dir, dataset: 'ml-latest-small' })
    const log = await loadDialogueLog([join(dir, 'redial', 'train_data.jsonl')], items)
    expect(log.dialogues).toBe(LOGS[name].dialogues)
    expect(log.mapped / log.mentions).toBeGreaterThan(0.78)
    expect(log.mapped).toBeLessThan(log.mentions)
    expect(new Set(log.interactions.map((x) => x.userId)).size).toBeGreaterThan(LOGS[name].users)
  }, 60_000)
})
