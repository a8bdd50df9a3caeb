import type { ProgressEvent, ProgressListener } from '../core/index.ts'

/**
 * Draws progress on stderr: a bar with rate and ETA on a terminal, a line every few seconds otherwise
 * (logs stay readable in CI). Silent when `quiet`.
 */
export function createProgressBar(options: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): ProgressListener & {
  finish(): void
} {
  const stream = options.stream ?? process.stderr
  const tty = Boolean(stream.isTTY)
  let phase = ''
  let started = Date.now()
  let lastDraw = 0
  let drawn = false
  const draw = (e: ProgressEvent, force: boolean) => {
    const now = Date.now()
    if (!force && now - lastDraw < (tty ? 100 : 5000)) return
    lastDraw = now
    const elapsed = (now - started) / 1000
    const rate = elapsed > 0 ? e.done / elapsed : 0
    const eta = rate > 0 ? (e.total - e.done) / rate : Number.NaN
    const pct = e.total > 0 ? e.done / e.total : 1
    const width = 24
    const filled = Math.round(pct * width)
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`
    const unit = e.unit ?? 'items'
    const line = `${e.phase.padEnd(12)} ${bar} ${e.done}/${e.total} ${unit} ${rate.toFixed(1)} ${unit}/s ETA ${formatSeconds(eta)}`
    if (tty) {
      stream.write(`\r${line}\x1b[K`)
      drawn = true
    } else {
      stream.write(`${line}\n`)
    }
  }
  const listener = (e: ProgressEvent) => {
    if (options.quiet) return
    if (e.phase !== phase) {
      if (drawn) stream.write('\n')
      drawn = false
      phase = e.phase
      started = Date.now()
      lastDraw = 0
    }
    draw(e, e.done === e.total)
  }
  return Object.assign(listener, {
    finish: () => {
      if (drawn && !options.quiet) stream.write('\n')
      drawn = false
    },
  })
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '--'
  if (s < 60) return `${Math.ceil(s)}s`
  return `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, '0')}s`
}
