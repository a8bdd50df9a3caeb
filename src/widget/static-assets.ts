import { readFile } from 'node:fs/promises'
import { sha256 } from '../core/index.ts'

export interface StaticAsset {
  path: string
  body: string
  contentType: string
  cacheControl: string
  etag: string
  headers: Record<string, string>
}

const STATIC_DIR = new URL('./static/', import.meta.url)

/** Reads the widget script, the demo page's stylesheet and script and the operator page's once, at start-up. */
export async function loadStaticAssets(): Promise<StaticAsset[]> {
  const widget = await readFile(new URL('widget.js', STATIC_DIR), 'utf8')
  return [
    {
      path: '/widget.js',
      body: widget,
      contentType: 'text/javascript; charset=utf-8',
      // Embedded on other sites: any origin may load it, caches may keep it a few minutes and revalidate by ETag.
      cacheControl: 'public, max-age=300, stale-while-revalidate=86400',
      etag: `"${sha256(widget).slice(0, 16)}"`,
      headers: { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' },
    },
    await ownAsset('demo.css', 'text/css; charset=utf-8'),
    await ownAsset('demo.js', 'text/javascript; charset=utf-8'),
    await ownAsset('admin.css', 'text/css; charset=utf-8'),
    await ownAsset('admin.js', 'text/javascript; charset=utf-8'),
  ]
}

/** A file only this server's own pages use: cached a few minutes, revalidated by ETag. */
async function ownAsset(file: string, contentType: string): Promise<StaticAsset> {
  const body = await readFile(new URL(file, STATIC_DIR), 'utf8')
  return {
    path: `/${file}`,
    body,
    contentType,
    cacheControl: 'public, max-age=300',
    etag: `"${sha256(body).slice(0, 16)}"`,
    headers: {},
  }
}

/** The demo page's policy: only this server's script, styles and API; posters from https; never framed. */
export const DEMO_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' https: data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** The demo page at `/`: the widget on the demo key, and the snippet to embed it elsewhere. */
export function demoPage(origin: string, key: string): string {
  const snippet = `<script src="${origin}/widget.js" data-key="${key}" defer></script>`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Concierge demo</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/demo.css">
<script src="/widget.js" defer></script>
<script src="/demo.js" defer></script>
</head>
<body>
<main>
  <h1>Concierge</h1>
  <p class="lead">Tell it what you feel like; it suggests a few picks from its catalogue and says why each fits.</p>
  <p id="concierge-status" class="small" role="status" hidden></p>
  <concierge-chat key="${escapeHtml(key)}"></concierge-chat>
  <h2>Embed it on your site</h2>
  <pre><code>${escapeHtml(snippet)}</code></pre>
  <p class="small">Or place <code>&lt;concierge-chat key="…"&gt;&lt;/concierge-chat&gt;</code> where the chat should appear. API: <a href="/openapi.json">/openapi.json</a>.</p>
</main>
</body>
</html>
`
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}
