import type { Context, Hono, Next } from 'hono'
import { AppError } from '../core/index.ts'
import type { LoopInsights } from '../loop/index.ts'
import type { ConversationTracker } from './admin-activity.ts'
import type { AdminSampler } from './admin-sampler.ts'
import type { WidgetEnv } from './context.ts'
import { scopedConversation } from './messages.ts'
import { DEMO_CSP } from './static-assets.ts'

/** What the operator page reads: the current backend's items and loop, the sampler and the conversation tracker. */
export interface AdminSources {
  backend():
    | {
        buildId: string
        itemCount: number
        insights?: LoopInsights
        chat: { getItem(id: string): { title: string } | undefined }
      }
    | undefined
  sampler: AdminSampler
  conversations: ConversationTracker
  showsText: boolean
  sampleSeconds: number
}

const LIST_LENGTH = 10
const CONVERSATIONS_LISTED = 20

/**
 * The operator page. `/admin` is a static shell that holds no data: its script asks for a secret key, keeps it in
 * sessionStorage (this tab only) and sends it as a Bearer token to `GET /v1/admin/overview`, which the /v1 middleware
 * authenticates and rate-limits like every other secret-key route.
 */
export function mountAdmin(app: Hono<WidgetEnv>, sources: AdminSources): void {
  app.get('/admin', (c) =>
    c.html(ADMIN_PAGE, 200, { 'Content-Security-Policy': DEMO_CSP, 'X-Frame-Options': 'DENY', 'Cache-Control': 'no-cache' }),
  )
  app.get('/v1/admin/overview', async (c) => {
    if (c.get('principal').kind !== 'secret') throw new AppError('auth.unauthorized', 'The operator page needs a secret key.')
    return c.json(await overview(sources))
  })
}

/** Notes each answered turn (conversation, time; the message text only when the tracker keeps text). */
export function noteTurns(tracker: ConversationTracker) {
  return async (c: Context<WidgetEnv>, next: Next) => {
    await next()
    if (c.req.method !== 'POST' || c.res.status >= 400) return
    const principal = c.get('principal')
    if (!principal) return
    const conversationId = scopedConversation(principal, c.req.param('id') ?? '')
    tracker.noteTurn(conversationId, tracker.keepsText ? await messageText(c) : undefined)
  }
}

/** The message text of a turn's body, which the route has already read (Hono keeps it). */
async function messageText(c: Context<WidgetEnv>): Promise<string | undefined> {
  try {
    const body = JSON.parse(await c.req.text()) as { text?: unknown }
    return typeof body.text === 'string' ? body.text : undefined
  } catch {
    return undefined
  }
}

/** The JSON of `GET /v1/admin/overview`. */
export type AdminOverview = Awaited<ReturnType<typeof overview>>

async function overview(sources: AdminSources) {
  const b = sources.backend()
  const titled = <T extends { itemId: string }>(rows: T[]) =>
    rows.map((r) => ({ ...r, title: b?.chat.getItem(r.itemId)?.title ?? null }))
  const [top, report] = await Promise.all([b?.insights?.topItems(LIST_LENGTH), b?.insights?.report()])
  return {
    build: b ? { buildId: b.buildId, itemCount: b.itemCount } : null,
    sampleSeconds: sources.sampleSeconds,
    samples: sources.sampler.samples(),
    report: report ?? null,
    mostShown: titled(top?.shown ?? []),
    mostLiked: titled(top?.liked ?? []),
    conversations: sources.conversations.recent(CONVERSATIONS_LISTED),
    showsText: sources.showsText,
    catalogChanges: sources.sampler.changes(),
  }
}

const ADMIN_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Concierge operator</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/admin.css">
<script src="/admin.js" defer></script>
</head>
<body>
<main>
  <h1>Concierge operator</h1>
  <form id="login" hidden>
    <label for="key">Secret key</label>
    <input id="key" type="password" autocomplete="off" required>
    <button type="submit">Open</button>
    <p class="small">Kept in this tab only (sessionStorage) and sent as a Bearer token.</p>
  </form>
  <p id="status" role="status"></p>
  <div id="dashboard" hidden>
    <p id="build"></p>
    <section><h2>Live</h2><div id="charts" class="charts"></div></section>
    <section><h2>A/B report</h2><table id="report"></table><ul id="comparisons"></ul></section>
    <section class="pair">
      <div><h2>Most shown</h2><ol id="most-shown"></ol></div>
      <div><h2>Most liked</h2><ol id="most-liked"></ol></div>
    </section>
    <section><h2>Recent conversations</h2><p id="text-note" class="small"></p><table id="conversations"></table></section>
    <section><h2>Recent catalogue changes</h2><ul id="catalog-changes"></ul></section>
    <button id="logout" type="button">Forget the key</button>
  </div>
</main>
</body>
</html>
`
