import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runRebuild } from '../../src/build/index.ts'
import { createLogger, fieldNumber, fieldValues, type Reply } from '../../src/core/index.ts'
import { createRuntime, type Runtime } from '../../src/runtime.ts'
import { createMemoryStore, type Store } from '../../src/store/index.ts'
import { repoRoot } from '../support/data.ts'
import { tinyBuildConfig, writeTinyModel } from '../support/tiny-build.ts'

const logger = createLogger({ level: 'silent' })
/** Thirty-four Debian-like programs (sections, debtags, interface, toolkit, installed size; no years, no interactions). */
const DEBIAN_TINY = join(repoRoot, 'test', 'fixtures', 'catalog', 'debian-tiny')
const MOVIE_WORDS = /\b(?:movies?|films?|flicks?|watch(?:es|ed|ing)?)\b/i

// A real build of a catalogue of programs, then a conversation through the runtime: the software profile is
// detected, replies speak of programs, refusals of a toolkit hold on every later turn, and a size bound binds.
describe('a catalogue of programs, end to end', () => {
  let dir: string
  let runtime: Runtime
  let store: Store
  const said: string[] = []

  const turn = async (text: string, conversationId = 'c'): Promise<Reply> => {
    const reply = await runtime.chat.handleTurn({ conversationId, userId: 'u', text })
    said.push(reply.text, ...reply.suggestions, ...reply.items.map((i) => i.explanation))
    return reply
  }
  const items = (reply: Reply) => reply.items.map((i) => runtime.chat.getItem(i.id)!)

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'concierge-debian-'))
    await writeTinyModel(dir)
    const config = tinyBuildConfig(dir, DEBIAN_TINY, { CONCIERGE_DATASET: 'generic' })
    await runRebuild(config, { logger })
    store = await createMemoryStore()
    runtime = await createRuntime(config, { logger, store })
  }, 120_000)
  afterAll(async () => {
    await runtime?.close()
    await store?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('builds content-only, with no collaborative model', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'indexes', 'current', 'manifest.json'), 'utf8'))
    expect(manifest.itemCount).toBe(34)
    expect(manifest.extra?.collabDir ?? null).toBeNull()
  })

  it('keeps "not GTK" and "nothing from KDE" on every later turn, and never speaks of films', async () => {
    const hello = await turn('hi')
    expect(hello.text).toMatch(/program/)
    expect((await turn('an image viewer')).items.length).toBeGreaterThan(0)
    const noGtk = await turn('not GTK please')
    expect(noGtk.items.length).toBeGreaterThan(0)
    expect(noGtk.text).toContain('no gtk (toolkit)')
    for (const item of items(noGtk)) expect(fieldValues(item, 'toolkit')).not.toContain('gtk')
    await turn('nothing from KDE')
    const later: Reply[] = []
    for (const text of ['something for music', 'an email client', 'something completely different', 'a text editor'])
      later.push(await turn(text))
    expect(later[0]!.items.length).toBeGreaterThan(0)
    for (const item of later.flatMap(items)) {
      expect(fieldValues(item, 'toolkit'), item.title).not.toContain('gtk')
      expect(fieldValues(item, 'toolkit'), item.title).not.toContain('qt')
    }
    const era = await turn('something from the 90s')
    expect(era.text).toContain('(These programs carry no years, so I can\'t filter by "90s".)')
    expect(said.join('\n')).not.toMatch(MOVIE_WORDS)
  })

  it('binds a size said in MB on this turn and the next', async () => {
    const small = await turn('a game under 1 MB', 'size')
    expect(small.items.length).toBeGreaterThan(0)
    expect(small.text).toContain('under 1 MB')
    const next = await turn('something else', 'size')
    for (const item of [...items(small), ...items(next)]) {
      expect(fieldNumber(item, 'installed_size_kb'), item.title).toBeLessThanOrEqual(1024)
    }
    expect(said.join('\n')).not.toMatch(MOVIE_WORDS)
  })

  it('wishes for what a refusal of a toolkit qualifies, and reads "web" of "a web browser" as the kind asked for', async () => {
    const editor = await turn("a photo editor that isn't gtk", 'qualified')
    expect(editor.text).toContain('"photo editor"')
    expect(editor.text).toContain('no gtk (toolkit)')
    for (const item of items(editor)) expect(fieldValues(item, 'toolkit'), item.title).not.toContain('gtk')
    // No popularity in this catalogue: picks without a wish are not called popular.
    expect((await turn('not GTK please', 'unranked')).text).not.toMatch(/popular/)
    const browser = await turn('a web browser', 'browser')
    expect(browser.text).not.toContain('interface web')
    expect(items(browser)[0]?.tags).toContain('browsing')
    expect(said.join('\n')).not.toMatch(MOVIE_WORDS)
  })

  it('asks for the command line in other words', async () => {
    const reply = await runtime.chat.handleTurn({
      conversationId: 'cli',
      userId: 'u',
      text: 'an email client for the command line',
    })
    expect(reply.items.length).toBeGreaterThan(0)
    for (const item of reply.items.map((i) => runtime.chat.getItem(i.id)!)) {
      expect(fieldValues(item, 'interface')).not.toContain('graphical')
    }
  })
})
