import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/index.ts'
import { createLogger } from '../../src/core/index.ts'
import type { OpenedItem, OpenRecorder } from '../../src/loop/index.ts'
import { createWidgetApp, type HttpServer, startHttpServer } from '../../src/widget/index.ts'
import { repoRoot } from '../support/data.ts'
import { createFakeChat, type FakeChat } from '../support/fake-chat.ts'

const CHROMIUM = '/usr/bin/chromium'
const hasChromium = existsSync(CHROMIUM)
if (!hasChromium) {
  console.warn(`[concierge tests] ${CHROMIUM} not found: the browser test of the widget is skipped`)
  // One skipped entry with its reason, rather than one per browser check.
  it.skip(`widget in a real browser (skipped: ${CHROMIUM} not found; .ci/run installs it)`, () => {})
}

const logger = createLogger({ level: 'silent' })
const shots = join(repoRoot, 'test-results')

/** Items the widget reported as opened (its "Details"), in order. */
const opened: OpenedItem[] = []
const opens: OpenRecorder = {
  record: async (item) => {
    opened.push(item)
  },
}

async function serveWidget(env: Record<string, string>, chat: FakeChat): Promise<HttpServer> {
  const app = await createWidgetApp(loadConfig(env, { cwd: '/tmp' }).server, {
    backend: () => ({ chat, buildId: 'b', itemCount: 10, opens }),
    logger,
  })
  return startHttpServer({ listener: app.listener, port: 0, host: '127.0.0.1', logger, shutdownTimeoutMs: 1000 })
}

/** A stranger's site: a page that embeds the widget with one script tag. */
async function serveSite(widgetOrigin: string, key: string): Promise<{ server: Server; url: string }> {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body><h1>A shop</h1>
<script src="${widgetOrigin}/widget.js" data-key="${key}" defer></script></body></html>`
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }
}

// Registered only where chromium is; elsewhere the one skipped entry above says why.
const describeInBrowser: (title: string, suite: () => void) => void = hasChromium ? describe : () => {}

describeInBrowser('widget in a real browser', () => {
  let context: BrowserContext
  let userDataDir: string
  let chat: FakeChat
  let demo: HttpServer

  beforeAll(async () => {
    await mkdir(shots, { recursive: true })
    userDataDir = await mkdtemp(join(tmpdir(), 'concierge-chromium-'))
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
      viewport: { width: 1000, height: 900 },
    })
    chat = createFakeChat({ partDelayMs: 150, parts: 4 })
    demo = await serveWidget({}, chat)
  })

  afterAll(async () => {
    await context?.close()
    await demo?.close()
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true })
  })

  async function ask(page: Page, text: string) {
    const input = page.getByLabel('Message')
    await input.fill(text)
    await input.press('Enter')
  }

  it('streams a reply with item cards, records a like, and fits a phone screen', async () => {
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    await page.goto(demo.url)
    await expect(page.getByRole('log', { name: 'Conversation' }).getAttribute('aria-live')).resolves.toBe('polite')

    await ask(page, 'some animation please')
    // Streaming: text shows in the bubble before the cards arrive.
    const sawPartial = await page.waitForFunction(
      () => {
        const root = document.querySelector('concierge-chat')?.shadowRoot
        const bubbles = root?.querySelectorAll('.bot') ?? []
        const last = bubbles[bubbles.length - 1]
        return (
          !!last &&
          (last.textContent ?? '').length > 0 &&
          !root?.querySelector('.cards') &&
          last.getAttribute('aria-busy') === 'true'
        )
      },
      undefined,
      { polling: 20, timeout: 10_000 },
    )
    expect(await sawPartial.jsonValue()).toBe(true)

    const cards = page.getByRole('list', { name: 'Recommendations' }).getByRole('listitem')
    await expect.poll(() => cards.count(), { timeout: 10_000 }).toBe(3)
    await expect(cards.nth(0).getByRole('heading').textContent()).resolves.toContain('Toy Story')
    await expect(cards.nth(0).textContent()).resolves.toContain('Because you asked for animation.')
    await expect(page.getByRole('log').textContent()).resolves.toContain('Here are 3 picks for "some animation please".')
    await expect.poll(() => page.getByRole('group', { name: 'Suggestions' }).getByRole('button').count()).toBe(2)

    const like = page.getByRole('button', { name: 'Like Toy Story', exact: true })
    await like.click()
    await expect.poll(() => like.getAttribute('aria-pressed')).toBe('true')
    await expect(like.textContent()).resolves.toContain('Liked')
    const fb = chat.feedbackLog.at(-1)
    expect(fb).toMatchObject({ itemId: '1', kind: 'like' })
    expect(fb?.userId).toMatch(/^web:demo:[0-9a-f-]{36}$/)
    expect(fb?.conversationId).toMatch(/^web:demo:[0-9a-f-]{36}$/)
    await page.screenshot({ path: join(shots, 'widget.png'), fullPage: true })

    // A suggestion chip sends a follow-up in the same conversation (the fake chat does not repeat shown items).
    await page.getByRole('button', { name: 'something lighter' }).click()
    await expect.poll(() => page.getByRole('list', { name: 'Recommendations' }).count(), { timeout: 10_000 }).toBe(2)
    const turns = chat.turns.slice(-2)
    expect(turns[1]?.conversationId).toBe(turns[0]?.conversationId)
    expect(turns[1]?.userId).toBe(fb?.userId)

    await page.setViewportSize({ width: 360, height: 740 })
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth)
    expect(overflow).toBeLessThanOrEqual(360)
    await page.screenshot({ path: join(shots, 'widget-360.png') })
    expect(errors).toEqual([])
    await page.close()
  })

  it("shows an item's details and reports it opened once, and asks for more like an item", async () => {
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(demo.url)
    await ask(page, 'some animation please')
    const cards = page.getByRole('list', { name: 'Recommendations' }).getByRole('listitem')
    await expect.poll(() => cards.count(), { timeout: 10_000 }).toBe(3)
    const before = opened.length
    const details = page.getByRole('button', { name: 'Details of Toy Story', exact: true })
    await details.click()
    await expect.poll(() => details.getAttribute('aria-expanded')).toBe('true')
    await expect(cards.nth(0).locator('.about').textContent()).resolves.toBe('Toy Story (1995).')
    await expect.poll(() => opened.length).toBe(before + 1)
    expect(opened.at(-1)).toMatchObject({ itemId: '1' })
    expect(opened.at(-1)?.userId).toMatch(/^web:demo:[0-9a-f-]{36}$/)
    // Closed and opened again: still one open reported for this card.
    await details.click()
    await details.click()
    await expect.poll(() => details.getAttribute('aria-expanded')).toBe('true')
    expect(opened.length).toBe(before + 1)

    await page.getByRole('button', { name: 'More like Toy Story', exact: true }).click()
    await expect.poll(() => chat.turns.at(-1)?.text, { timeout: 10_000 }).toBe('more like Toy Story')
    await expect.poll(() => page.getByRole('list', { name: 'Recommendations' }).count(), { timeout: 10_000 }).toBe(2)
    expect(errors).toEqual([])
    await page.close()
  })

  it('is keyboard accessible: Tab reaches the input and Send, Enter sends', async () => {
    const page = await context.newPage()
    await page.goto(demo.url)
    const before = chat.turns.length
    await page.getByLabel('Message').focus()
    await page.keyboard.type('thriller')
    await page.keyboard.press('Tab')
    const focused = await page.evaluate(() => document.querySelector('concierge-chat')?.shadowRoot?.activeElement?.textContent)
    expect(focused).toBe('Send')
    await page.keyboard.press('Enter')
    await expect.poll(() => chat.turns.length, { timeout: 10_000 }).toBe(before + 1)
    await page.close()
  })

  it('works embedded with one script tag on an allowed site, and is refused on another', async () => {
    const allowed = await serveSite('http://placeholder', 'pk_shop')
    const refused = await serveSite('http://placeholder', 'pk_shop')
    const allowedOrigin = new URL(allowed.url).origin
    const siteChat = createFakeChat()
    const api = await serveWidget({ CONCIERGE_PUBLISHABLE_KEYS: `pk_shop=${allowedOrigin}` }, siteChat)
    // Re-point the two sites at the API now that its port is known.
    for (const site of [allowed, refused]) {
      site.server.removeAllListeners('request')
      site.server.on('request', (_req, res) =>
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(
            `<!doctype html><html><head><meta charset="utf-8"></head><body><h1>A shop</h1><script src="${api.url}/widget.js" data-key="pk_shop" defer></script></body></html>`,
          ),
      )
    }
    try {
      const page = await context.newPage()
      await page.goto(allowed.url)
      await page.getByRole('button', { name: 'Chat', exact: true }).click()
      await ask(page, 'sci-fi')
      await expect.poll(() => page.getByRole('listitem').count(), { timeout: 10_000 }).toBe(3)
      expect(siteChat.turns.at(-1)?.conversationId).toMatch(/^web:pk_shop:/)
      await page.screenshot({ path: join(shots, 'widget-embedded.png') })

      const other = await context.newPage()
      await other.goto(refused.url)
      await other.getByRole('button', { name: 'Chat', exact: true }).click()
      await ask(other, 'sci-fi')
      await expect.poll(() => other.getByRole('alert').count(), { timeout: 10_000 }).toBe(1)
      expect(siteChat.turns).toHaveLength(1)
      await page.close()
      await other.close()
    } finally {
      await api.close()
      allowed.server.close()
      refused.server.close()
    }
  })

  it("shows the first build's progress on the demo page until the build is loaded", async () => {
    let loaded = false
    const app = await createWidgetApp(loadConfig({}, { cwd: '/tmp' }).server, {
      backend: () => (loaded ? { chat, buildId: 'b', itemCount: 10 } : undefined),
      loading: () => ({ phase: 'embed', done: 3100, total: 9742, unit: 'items', seconds: 74 }),
      logger,
    })
    const first = await startHttpServer({ listener: app.listener, port: 0, host: '127.0.0.1', logger, shutdownTimeoutMs: 1000 })
    try {
      const page = await context.newPage()
      await page.goto(first.url)
      const status = page.getByRole('status')
      await expect(status.textContent({ timeout: 10_000 })).resolves.toContain('embed 3,100 / 9,742 items')
      loaded = true
      await page.waitForFunction(() => document.getElementById('concierge-status')?.hidden === true, undefined, {
        timeout: 10_000,
      })
      await page.close()
    } finally {
      await first.close()
      await app.close()
    }
  })
})
