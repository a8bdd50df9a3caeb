import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, readlink, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Config, loadConfig } from '../../src/config/index.ts'
import { createLogger, switchCurrent } from '../../src/core/index.ts'
import { type RunningServer, startServe, watchBuilds } from '../../src/serve.ts'
import { parseEventStream } from '../../src/widget/index.ts'
import { dataDir, repoRoot } from '../support/data.ts'
import { eventEnvelope, postSigned, type SlackApiImitation, startSlackApi } from '../support/slack-api.ts'
import { tinyBuild } from '../support/tiny-build.ts'

const logger = createLogger({ level: 'silent' })

describe('watchBuilds', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'concierge-watch-'))
    for (const id of ['b1', 'b2', 'b3', 'b4']) await mkdir(join(dir, id))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('reloads when indexes/current changes, and does not retry a build that failed to load', async () => {
    await switchCurrent(dir, 'b1')
    const calls: string[] = []
    let loadable = true
    const runtime = {
      buildId: 'b1',
      async reload() {
        const target = (await readlink(join(dir, 'current'))).toString()
        calls.push(target)
        if (!loadable) return false
        runtime.buildId = target
        return true
      },
    }
    const watcher = watchBuilds(dir, runtime, logger, 60_000)
    try {
      await watcher.check()
      expect(calls).toEqual([])
      await switchCurrent(dir, 'b2')
      await watcher.check()
      expect(runtime.buildId).toBe('b2')
      loadable = false
      await switchCurrent(dir, 'b3')
      await watcher.check()
      await watcher.check()
      expect(calls).toEqual(['b2', 'b3'])
      expect(runtime.buildId).toBe('b2')
      loadable = true
      await switchCurrent(dir, 'b4')
      await watcher.check()
      expect(runtime.buildId).toBe('b4')
    } finally {
      watcher.close()
    }
  })
})

// The build of the checkout (or CONCIERGE_INDEXES_DIR/CONCIERGE_MODELS_DIR, e.g. a scratch build) when there is
// one; otherwise (a fresh clone, CI) a real build of the tiny fixture made by the test.
const realIndexes = resolve(repoRoot, process.env.CONCIERGE_INDEXES_DIR ?? 'indexes')
const realModels = resolve(repoRoot, process.env.CONCIERGE_MODELS_DIR ?? 'models')
const hasBuild = Boolean(dataDir()) && existsSync(join(realIndexes, 'current'))

describe('startServe on a real build', () => {
  let server: RunningServer
  let indexesDir: string
  let dir: string

  beforeAll(async () => {
    // Two build ids pointing at the same real build: switching between them exercises the hot swap without
    // running a rebuild in the test.
    dir = await mkdtemp(join(tmpdir(), 'concierge-serve-'))
    indexesDir = join(dir, 'swap-indexes')
    const env = { CONCIERGE_PORT: '0', CONCIERGE_HOST: '127.0.0.1' }
    let config: Config
    let built: string
    if (hasBuild) {
      const current = await readlink(join(realIndexes, 'current'))
      built = isAbsolute(current) ? current : resolve(realIndexes, current)
      config = loadConfig(
        { ...env, CONCIERGE_DATA_DIR: dataDir() as string },
        { cwd: repoRoot, overrides: { indexesDir, modelsDir: realModels, 'store.path': join(dir, 'store.db') } },
      )
    } else {
      const tiny = await tinyBuild(dir, env)
      built = resolve(tiny.summary.dir)
      config = { ...tiny.config, indexesDir }
    }
    await mkdir(indexesDir, { recursive: true })
    await symlink(built, join(indexesDir, 'build-a'))
    await symlink(built, join(indexesDir, 'build-b'))
    await switchCurrent(indexesDir, 'build-a')
    server = await startServe(config, { logger, pollMs: 200, shutdownTimeoutMs: 5000 })
  })
  afterAll(async () => {
    await server?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('serves, switches to a new build without failing requests in flight, and shuts down', async () => {
    const url = server.url
    expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ status: 'ready', buildId: 'build-a' })
    const turn = (i: number) =>
      fetch(`${url}/v1/conversations/swap-${i}/messages?stream=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-concierge-key': 'demo' },
        body: JSON.stringify({ text: i % 2 ? 'a gentle comedy' : 'a space adventure' }),
      }).then(async (r) => ({ status: r.status, parts: parseEventStream(await r.text()) }))
    const inFlight = Array.from({ length: 10 }, (_, i) => turn(i))
    await switchCurrent(indexesDir, 'build-b')
    const results = await Promise.all(inFlight)
    for (const r of results) {
      expect(r.status).toBe(200)
      expect(r.parts.at(-1)).toBe('done')
      expect(r.parts.some((p) => p !== 'done' && p.type === 'error')).toBe(false)
    }
    await expect
      .poll(async () => ((await (await fetch(`${url}/readyz`)).json()) as { buildId: string }).buildId, { timeout: 30_000 })
      .toBe('build-b')
    const after = await turn(99)
    expect(after.status).toBe(200)
    await server.close()
    await expect(fetch(`${url}/healthz`)).rejects.toThrow()
  })
})

// `npm start` with SLACK_MODE=http: the Events endpoint is on the main port, next to the API.
describe('startServe with the Slack bot in HTTP mode', () => {
  const SECRET = 'serve-signing-secret'
  let api: SlackApiImitation
  let server: RunningServer
  let dir: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'concierge-serve-slack-'))
    api = await startSlackApi()
    const env = {
      CONCIERGE_PORT: '0',
      CONCIERGE_HOST: '127.0.0.1',
      SLACK_MODE: 'http',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: 'xoxb-serve-test',
      SLACK_API_URL: api.apiUrl,
    }
    server = await startServe((await tinyBuild(dir, env)).config, { logger, pollMs: 60_000, shutdownTimeoutMs: 5000 })
  })
  afterAll(async () => {
    await server?.close()
    await api?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('answers a signed DM at /slack/events on the main port, and refuses a badly signed one', async () => {
    const ts = `${Math.floor(Date.now() / 1000)}.000100`
    const dm = eventEnvelope({ type: 'message', channel_type: 'im', channel: 'DS1', user: 'US1', text: 'a comedy', ts })
    expect((await postSigned(`${server.url}/slack/events`, 'wrong-secret', dm)).status).toBe(401)
    expect((await postSigned(`${server.url}/slack/events`, SECRET, dm)).status).toBe(200)
    const post = await api.waitFor(
      (calls) => calls.find((c) => c.method === 'chat.postMessage' && c.body.channel === 'DS1'),
      10_000,
    )
    expect(JSON.stringify(post.body.blocks)).toContain('concierge:item:')
    expect(api.callsTo('chat.postMessage').filter((c) => c.body.channel === 'DS1')).toHaveLength(1)
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' })
  })
})

// CONCIERGE_REBUILD_EVERY: the server rebuilds on its own (a real rebuild of the tiny fixture, in a thread) and
// swaps to the new build, trained on what people did meanwhile.
describe('startServe with scheduled retraining', () => {
  let server: RunningServer
  let dir: string
  let config: Config

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'concierge-serve-rebuild-'))
    const env = {
      CONCIERGE_PORT: '0',
      CONCIERGE_HOST: '127.0.0.1',
      CONCIERGE_REBUILD_EVERY: '1s',
      CONCIERGE_SECRET_KEYS: 'sk_rebuild',
    }
    config = (await tinyBuild(dir, env)).config
    server = await startServe(config, { logger, pollMs: 60_000, shutdownTimeoutMs: 5000 })
  })
  afterAll(async () => {
    await server?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('rebuilds on the schedule with the stored likes and swaps to the new build while serving', async () => {
    const first = server.buildId
    const like = await fetch(`${server.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk_rebuild' },
      body: JSON.stringify({ events: [{ userId: 'retrain-me', itemId: '1', type: 'like' }] }),
    })
    expect(like.status).toBe(200)
    // A build whose data covers the like sent while serving has another fingerprint than the first one.
    const fingerprint = async (buildId: string) =>
      (JSON.parse(await readFile(join(config.indexesDir, buildId, 'manifest.json'), 'utf8')) as { dataFingerprint: string })
        .dataFingerprint
    const before = await fingerprint(first)
    await expect.poll(() => fingerprint(server.buildId), { timeout: 60_000, interval: 100 }).not.toBe(before)
    expect(server.buildId).not.toBe(first)
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { status: string; buildId: string }
    expect(ready).toMatchObject({ status: 'ready', buildId: server.buildId })
  })
})
