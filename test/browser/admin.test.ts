import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/core/index.ts'
import type { LearningLoop } from '../../src/loop/index.ts'
import { type HttpServer, startHttpServer, type WidgetApp } from '../../src/widget/index.ts'
import { ADMIN_SECRET, createAdminTestApp, runScriptedSession } from '../support/admin-app.ts'
import { repoRoot } from '../support/data.ts'

const CHROMIUM = '/usr/bin/chromium'
const hasChromium = existsSync(CHROMIUM)
if (!hasChromium) {
  console.warn(`[concierge tests] ${CHROMIUM} not found: the browser test of the operator page is skipped`)
  it.skip(`operator page in a real browser (skipped: ${CHROMIUM} not found; .ci/run installs it)`, () => {})
}
const describeInBrowser: (title: string, suite: () => void) => void = hasChromium ? describe : () => {}
const shots = join(repoRoot, 'test-results')

describeInBrowser('operator page in a real browser', () => {
  let browser: Browser
  let app: WidgetApp
  let loop: LearningLoop
  let server: HttpServer
  let profileDir: string

  beforeAll(async () => {
    await mkdir(shots, { recursive: true })
    profileDir = await mkdtemp(join(tmpdir(), 'concierge-admin-'))
    ;({ app, loop } = await createAdminTestApp({ sampleMs: 200 }))
    const logger = createLogger({ level: 'silent' })
    server = await startHttpServer({ listener: app.listener, port: 0, host: '127.0.0.1', logger, shutdownTimeoutMs: 1000 })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    })
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await app?.close()
    await loop?.close()
    if (profileDir) await rm(profileDir, { recursive: true, force: true })
  })

  it('asks for the key, then renders live charts, the A/B report and top items of a 200-conversation two-variant run', async () => {
    // 200 scripted conversations in two bursts with a pause between, so the charts have more than one point.
    const first = await runScriptedSession(server.url, fetch, 100)
    await new Promise((r) => setTimeout(r, 700))
    const second = await runScriptedSession(server.url, fetch, 100, 100)
    await new Promise((r) => setTimeout(r, 500))
    const report = await loop.report()
    expect(report.variants.map((v) => v.variant)).toEqual(['a', 'b'])
    expect(report.variants.reduce((n, v) => n + v.impressions, 0)).toBe(first.shown + second.shown)
    expect(report.variants.reduce((n, v) => n + v.likes.count, 0)).toBe(first.liked + second.liked)
    expect(first.liked + second.liked).toBe(100)

    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    await page.goto(`${server.url}/admin`)
    await page.getByLabel('Secret key').fill('wrong-key')
    await page.getByRole('button', { name: 'Open' }).click()
    await expect.poll(() => page.locator('#status').textContent()).toContain('refused')
    errors.length = 0 // the refused request logs a 401 in the console, as it should

    await page.getByLabel('Secret key').fill(ADMIN_SECRET)
    await page.getByRole('button', { name: 'Open' }).click()
    const reportRows = page.locator('#report tr')
    await expect.poll(() => reportRows.count(), { timeout: 10_000 }).toBe(3)
    for (const [i, v] of report.variants.entries()) {
      const cells = await reportRows
        .nth(i + 1)
        .locator('td')
        .allTextContents()
      expect(cells.slice(0, 2)).toEqual([v.variant, String(v.impressions)])
      expect(cells[2]).toMatch(/^\d+\.\d% \[\d+\.\d%, \d+\.\d%\]$/)
    }
    await expect(page.locator('#comparisons li').count()).resolves.toBe(2)
    await expect(page.locator('#charts svg polyline').count()).resolves.toBeGreaterThanOrEqual(5)
    const turnsNow = await page.locator('#charts .chart').first().locator('.now').textContent()
    expect(turnsNow).toMatch(/\/s$/)
    await expect(page.locator('#most-shown li').first().textContent()).resolves.toMatch(/\(\d+\): \d+ shown$/)
    await expect(page.locator('#most-liked li').first().textContent()).resolves.toMatch(/\d+ liked of \d+ shown$/)
    await expect(page.locator('#conversations tr').count()).resolves.toBe(21)
    await page.screenshot({ path: join(shots, 'admin.png'), fullPage: true })
    expect(errors).toEqual([])
  })
})
