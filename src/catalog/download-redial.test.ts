import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ImitationServer, redirectFetch, startImitationServer } from '../../test/support/imitation-server.ts'
import { buildZip } from '../../test/support/zip.ts'
import { downloadRedial, REDIAL_URL, readDialogues } from './index.ts'

/** Two dialogues in ReDial's format, written for these tests. */
const dialogue = (id: number, text: string) =>
  JSON.stringify({
    conversationId: id,
    initiatorWorkerId: 1,
    respondentWorkerId: 2,
    movieMentions: { '111': 'Toy Story (1995)' },
    respondentQuestions: { '111': { suggested: 1, seen: 1, liked: 1 } },
    messages: [{ timeOffset: 0, text, senderWorkerId: 1, messageId: id * 10 }],
  })
const train = `${dialogue(1, 'I loved @111')}\n${dialogue(2, 'anything like @111?')}\n`
const test = `${dialogue(3, 'held out')}\n`
const movies = 'movieId,movieName\n111,Toy Story (1995)\n'

/** Laid out like the official archive: the files inside a folder, with macOS clutter beside them. */
const archive = buildZip([
  { name: 'redial/' },
  { name: 'redial/train_data.jsonl', data: Buffer.from(train), deflate: true },
  { name: 'redial/test_data.jsonl', data: Buffer.from(test), deflate: true },
  { name: 'redial/movies_with_mentions.csv', data: Buffer.from(movies) },
  { name: '__MACOSX/redial/._train_data.jsonl', data: Buffer.from('junk') },
])
const sha256 = createHash('sha256').update(archive).digest('hex')
const officialPath = new URL(REDIAL_URL).pathname

let tmp: string
let server: ImitationServer
let fetchImpl: typeof fetch
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'concierge-redial-'))
  server = await startImitationServer((_req, res, url) => {
    if (url.pathname === officialPath) res.writeHead(200, { 'content-length': archive.length }).end(archive)
    else if (url.pathname === '/broken.zip') res.writeHead(200).end('<html>rate limited</html>')
    else return false
    return true
  })
  fetchImpl = redirectFetch('https://github.com', server)
})
afterAll(async () => {
  await server.close()
  await rm(tmp, { recursive: true, force: true })
})

describe('downloadRedial', () => {
  it('downloads the official archive, checks its SHA-256 and installs the dialogues where a rebuild reads them', async () => {
    const dest = join(tmp, 'ok')
    const result = await downloadRedial({ dest, fetchImpl, sha256 })
    expect(result).toEqual({
      dir: join(dest, 'redial'),
      files: ['movies_with_mentions.csv', 'test_data.jsonl', 'train_data.jsonl'],
    })
    expect(server.requests).toContain(officialPath)
    expect((await readdir(dest)).sort()).toEqual(['redial'])
    const { dialogues } = await readDialogues(join(dest, 'redial', 'train_data.jsonl'))
    expect(dialogues.map((d) => d.conversationId)).toEqual(['1', '2'])
    expect(await readFile(join(dest, 'redial', 'movies_with_mentions.csv'), 'utf8')).toBe(movies)
  })

  it('checks the pinned SHA-256 of the known archive by default', async () => {
    const dest = join(tmp, 'pinned')
    await expect(downloadRedial({ dest, fetchImpl })).rejects.toMatchObject({
      code: 'data.checksum_mismatch',
      details: {
        algorithm: 'sha256',
        expected: 'b48756681ec6f84e0af36979c5e9baa21ea8d9e7036b8764ea9b787bb0baf69b',
        actual: sha256,
      },
    })
    expect(existsSync(join(dest, 'redial'))).toBe(false)
  })

  it('replaces the shipped files but keeps a split of your own, and leaves the folder alone when a download fails', async () => {
    const dest = join(tmp, 'update')
    await mkdir(join(dest, 'redial'), { recursive: true })
    await writeFile(join(dest, 'redial', 'train_data.jsonl'), 'old\n')
    await writeFile(join(dest, 'redial', 'valid_data.jsonl'), 'mine\n')
    const broken = { dest, fetchImpl, sha256, url: `${server.url}/broken.zip` }
    await expect(downloadRedial({ ...broken, sha256: undefined })).rejects.toMatchObject({ code: 'data.checksum_mismatch' })
    const corrupt = createHash('sha256').update('<html>rate limited</html>').digest('hex')
    await expect(downloadRedial({ ...broken, sha256: corrupt })).rejects.toMatchObject({ code: 'data.download_failed' })
    await expect(downloadRedial({ dest, fetchImpl, url: `${server.url}/missing.zip` })).rejects.toMatchObject({
      code: 'data.download_failed',
      details: { reason: 'HTTP 404' },
    })
    expect(await readFile(join(dest, 'redial', 'train_data.jsonl'), 'utf8')).toBe('old\n')
    await downloadRedial({ dest, fetchImpl, sha256 })
    expect(await readFile(join(dest, 'redial', 'train_data.jsonl'), 'utf8')).toBe(train)
    expect(await readFile(join(dest, 'redial', 'valid_data.jsonl'), 'utf8')).toBe('mine\n')
    expect((await readdir(dest)).sort()).toEqual(['redial'])
  })

  it('throws data.download_failed when the archive holds no train_data.jsonl', async () => {
    const empty = buildZip([{ name: 'readme.txt', data: Buffer.from('x') }])
    const only = await startImitationServer((_req, res) => {
      res.writeHead(200).end(empty)
      return true
    })
    const sha = createHash('sha256').update(empty).digest('hex')
    await expect(downloadRedial({ dest: join(tmp, 'empty'), url: `${only.url}/x.zip`, sha256: sha })).rejects.toMatchObject({
      code: 'data.download_failed',
    })
    await only.close()
  })
})
