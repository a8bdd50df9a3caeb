// Concierge operator page: asks for a secret key, then polls GET /v1/admin/overview and draws it.
// Everything is written with textContent and SVG attributes (no HTML from data), under a CSP without inline script.
;(() => {
  const KEY = 'concierge-admin-key'
  const SVG = 'http://www.w3.org/2000/svg'
  const COLORS = ['#2b6cb0', '#c05621', '#2f855a', '#6b46c1']
  const $ = (id) => document.getElementById(id)
  let timer

  function el(tag, text, className) {
    const node = document.createElement(tag)
    if (text !== undefined) node.textContent = String(text)
    if (className) node.className = className
    return node
  }

  function setStatus(text, isError) {
    $('status').textContent = text
    $('status').className = isError ? 'error' : ''
  }

  async function load() {
    const key = sessionStorage.getItem(KEY)
    if (!key) return showLogin()
    const res = await fetch('/v1/admin/overview', { headers: { Authorization: `Bearer ${key}` }, cache: 'no-store' })
    if (res.status === 401 || res.status === 403) {
      sessionStorage.removeItem(KEY)
      showLogin()
      return setStatus('That key was refused.', true)
    }
    if (!res.ok) return setStatus(`The server answered ${res.status}; retrying.`, true)
    render(await res.json())
    setStatus(`Updated ${new Date().toLocaleTimeString()}`)
  }

  function showLogin() {
    clearInterval(timer)
    $('dashboard').hidden = true
    $('login').hidden = false
    $('key').focus()
  }

  function start() {
    $('login').hidden = true
    $('dashboard').hidden = false
    const poll = () => load().catch((e) => setStatus(`Could not load: ${e.message}`, true))
    poll()
    timer = setInterval(poll, 5000)
  }

  function render(data) {
    $('build').textContent = data.build
      ? `Build ${data.build.buildId}, ${data.build.itemCount} items. One point every ${data.sampleSeconds} s.`
      : 'No build is loaded yet.'
    renderCharts(data.samples)
    renderReport(data.report)
    renderItems($('most-shown'), data.mostShown, (r) => `${r.shown} shown`)
    renderItems($('most-liked'), data.mostLiked, (r) => `${r.liked} liked of ${r.shown} shown`)
    renderConversations(data.conversations, data.showsText)
    const changes = $('catalog-changes')
    changes.replaceChildren(
      ...data.catalogChanges.map((c) => el('li', `${time(c.at)}: build ${c.buildId}, ${c.itemCount} items`)),
    )
    if (!data.catalogChanges.length) changes.append(el('li', 'No build swap since the server started.', 'small'))
  }

  function time(ms) {
    return new Date(ms).toLocaleTimeString()
  }

  function variantsOf(samples, field) {
    const names = new Set()
    for (const s of samples) for (const v of Object.keys(s[field])) names.add(v)
    return [...names].sort()
  }

  function renderCharts(samples) {
    const perVariant = (field, v) => samples.map((s) => (s[field][v] ?? 0) / s.seconds)
    const charts = [
      { title: 'Turns / s', series: [{ name: 'turns', values: samples.map((s) => s.turnsPerSecond) }], unit: '/s' },
      {
        title: 'Turn latency (ms)',
        series: [
          { name: 'p50', values: samples.map((s) => s.p50Ms) },
          { name: 'p99', values: samples.map((s) => s.p99Ms) },
        ],
        unit: ' ms',
      },
      { title: 'Errors', series: [{ name: 'errors', values: samples.map((s) => s.errors) }], unit: '' },
      {
        title: 'Impressions / s by variant',
        series: variantsOf(samples, 'impressions').map((v) => ({ name: v, values: perVariant('impressions', v) })),
        unit: '/s',
      },
      {
        title: 'Feedback / s by variant',
        series: variantsOf(samples, 'feedback').map((v) => ({ name: v, values: perVariant('feedback', v) })),
        unit: '/s',
      },
    ]
    $('charts').replaceChildren(...charts.map(chart))
  }

  function chart({ title, series, unit }) {
    const box = el('div', undefined, 'chart')
    const heading = el('h3', title)
    // The newest point that has a value (latency has none in an interval without turns).
    const latest = series.map((s) => s.values.findLast((v) => v !== null)).find((v) => v !== undefined)
    heading.append(el('span', latest === undefined ? '–' : `${round(latest)}${unit}`, 'now'))
    box.append(heading, sparkline(series))
    const legend = el('div', undefined, 'legend')
    series.forEach((s, i) => legend.append(el('span', `■ ${s.name}`, `c${i % COLORS.length}`)))
    box.append(legend)
    return box
  }

  function round(x) {
    return Math.abs(x) >= 10 ? Math.round(x) : Math.round(x * 100) / 100
  }

  function sparkline(series) {
    const w = 300
    const h = 80
    const svg = document.createElementNS(SVG, 'svg')
    svg.setAttribute('viewBox', `0 0 ${w} ${h}`)
    svg.setAttribute('preserveAspectRatio', 'none')
    const all = series.flatMap((s) => s.values).filter((v) => v !== null)
    const max = Math.max(1e-9, ...all)
    const axis = document.createElementNS(SVG, 'text')
    axis.setAttribute('x', '2')
    axis.setAttribute('y', '10')
    axis.setAttribute('font-size', '9')
    axis.setAttribute('fill', '#4a5263')
    axis.textContent = `max ${round(max)}`
    svg.append(axis)
    series.forEach((s, i) => {
      const n = s.values.length
      const points = s.values
        .map((v, j) => (v === null ? null : `${n > 1 ? (j / (n - 1)) * w : w},${h - 2 - (v / max) * (h - 14)}`))
        .filter(Boolean)
      const line = document.createElementNS(SVG, 'polyline')
      line.setAttribute('points', points.join(' '))
      line.setAttribute('fill', 'none')
      line.setAttribute('stroke', COLORS[i % COLORS.length])
      line.setAttribute('stroke-width', '1.5')
      line.setAttribute('vector-effect', 'non-scaling-stroke')
      svg.append(line)
    })
    return svg
  }

  function pct(x) {
    return `${(x * 100).toFixed(1)}%`
  }

  function rate(r) {
    return `${pct(r.rate)} [${pct(r.interval[0])}, ${pct(r.interval[1])}]`
  }

  function renderReport(report) {
    const table = $('report')
    const head = el('tr')
    for (const h of ['variant', 'impressions', 'like rate (95% CI)', 'acceptance (95% CI)']) head.append(el('th', h))
    const rows = (report?.variants ?? []).map((v) => {
      const tr = el('tr')
      tr.append(el('td', v.variant), el('td', v.impressions), el('td', rate(v.likes)), el('td', rate(v.acceptance)))
      return tr
    })
    table.replaceChildren(head, ...rows)
    if (!rows.length) table.append(el('tr')).append(el('td', 'No impressions yet.'))
    $('comparisons').replaceChildren(
      ...(report?.comparisons ?? []).map((c) => {
        const verdict = c.significant ? 'significant' : 'not significant'
        const points = `${c.difference >= 0 ? '+' : ''}${(c.difference * 100).toFixed(1)} points`
        return el('li', `${c.variant} vs ${c.control}, ${c.metric}: ${points}, p = ${c.p.toFixed(3)} (${verdict} at 5%)`)
      }),
    )
  }

  function renderItems(list, rows, describe) {
    list.replaceChildren(...rows.map((r) => el('li', `${r.title ?? r.itemId} (${r.itemId}): ${describe(r)}`)))
    if (!rows.length) list.append(el('li', 'Nothing yet.', 'small'))
  }

  function renderConversations(conversations, showsText) {
    $('text-note').textContent = showsText
      ? 'Message text is shown because CONCIERGE_LOG_LEVEL=debug.'
      : 'Message text is shown only when CONCIERGE_LOG_LEVEL=debug.'
    const head = el('tr')
    for (const h of ['conversation', 'turns', 'first', 'last', ...(showsText ? ['messages'] : [])]) head.append(el('th', h))
    const rows = conversations.map((c) => {
      const tr = el('tr')
      tr.append(el('td', c.conversationId), el('td', c.turns), el('td', time(c.firstAt)), el('td', time(c.lastAt)))
      if (showsText) tr.append(el('td', (c.messages ?? []).join(' / ')))
      return tr
    })
    $('conversations').replaceChildren(head, ...rows)
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login').addEventListener('submit', (event) => {
      event.preventDefault()
      sessionStorage.setItem(KEY, $('key').value.trim())
      $('key').value = ''
      start()
    })
    $('logout').addEventListener('click', () => {
      sessionStorage.removeItem(KEY)
      showLogin()
      setStatus('Key forgotten.')
    })
    if (sessionStorage.getItem(KEY)) start()
    else showLogin()
  })
})()
