// The demo page's first-run notice: while the server prepares its first build, /readyz answers 503 with the
// build's progress ({ phase, done, total, unit, seconds }); this shows it above the chat until the build is loaded.
;(() => {
  const status = document.getElementById('concierge-status')
  if (!status) return
  const describe = (p) => {
    const phase = typeof p.phase === 'string' ? p.phase : 'starting'
    const count =
      typeof p.done === 'number' && typeof p.total === 'number' && p.total > 0
        ? ` ${p.done.toLocaleString()} / ${p.total.toLocaleString()}${typeof p.unit === 'string' ? ` ${p.unit}` : ''}`
        : ''
    const time = typeof p.seconds === 'number' ? ` (${p.seconds} s so far)` : ''
    return `Preparing the catalogue for its first use: ${phase}${count}${time}. The chat answers once this is done.`
  }
  const poll = async () => {
    try {
      const res = await fetch('/readyz', { cache: 'no-store' })
      const body = await res.json()
      if (res.ok) {
        status.hidden = true
        return
      }
      status.hidden = false
      status.textContent = body.status === 'draining' ? 'The server is restarting; try again in a moment.' : describe(body)
    } catch {
      status.hidden = false
      status.textContent = 'The server does not answer yet; retrying.'
    }
    setTimeout(poll, 2000)
  }
  void poll()
})()
