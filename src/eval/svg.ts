/** One line of a chart: a name and its points. */
export interface Series {
  name: string
  points: Array<{ x: number; y: number }>
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2']

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c)
}

/** A "nice" step (1, 2 or 5 × 10^n) giving about `count` ticks over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count)
  const mag = 10 ** Math.floor(Math.log10(raw))
  const norm = raw / mag
  return (norm < 1.5 ? 1 : norm < 3.5 ? 2 : norm < 7.5 ? 5 : 10) * mag
}

/**
 * A self-contained SVG line chart (axes, ticks, grid, legend) of series over a shared x axis; x is drawn on a log
 * scale when `logX` (K values 1…100 spread better).
 */
export function lineChartSvg(
  series: readonly Series[],
  options: { title: string; xLabel: string; yLabel: string; logX?: boolean; width?: number; height?: number },
): string {
  const width = options.width ?? 720
  const height = options.height ?? 440
  const margin = { left: 64, right: 180, top: 40, bottom: 56 }
  const plotW = width - margin.left - margin.right
  const plotH = height - margin.top - margin.bottom
  const xs = series.flatMap((s) => s.points.map((p) => p.x))
  const ys = series.flatMap((s) => s.points.map((p) => p.y))
  const tx = (x: number) => (options.logX ? Math.log10(Math.max(x, 1e-9)) : x)
  const xMin = xs.length ? Math.min(...xs.map(tx)) : 0
  const xMax = xs.length ? Math.max(...xs.map(tx)) : 1
  const yMax = ys.length ? Math.max(...ys) : 1
  const yStep = niceStep(yMax > 0 ? yMax : 1, 5)
  const yTop = Math.max(yStep, Math.ceil((yMax > 0 ? yMax : 1) / yStep) * yStep)
  const px = (x: number) => margin.left + ((tx(x) - xMin) / (xMax - xMin || 1)) * plotW
  const py = (y: number) => margin.top + plotH - (y / yTop) * plotH
  const out: string[] = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
  )
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`)
  out.push(
    `<text x="${margin.left + plotW / 2}" y="${margin.top / 2 + 6}" text-anchor="middle" font-size="15">${escapeXml(options.title)}</text>`,
  )
  // y ticks and grid
  for (let y = 0; y <= yTop + yStep / 2; y += yStep) {
    const yy = py(y).toFixed(1)
    out.push(`<line x1="${margin.left}" y1="${yy}" x2="${margin.left + plotW}" y2="${yy}" stroke="#e5e5e5"/>`)
    out.push(`<line x1="${margin.left - 5}" y1="${yy}" x2="${margin.left}" y2="${yy}" stroke="black"/>`)
    out.push(`<text x="${margin.left - 8}" y="${yy}" text-anchor="end" dominant-baseline="middle">${Number(y.toFixed(6))}</text>`)
  }
  // x ticks at the data's x values
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    const xx = px(x).toFixed(1)
    out.push(`<line x1="${xx}" y1="${margin.top + plotH}" x2="${xx}" y2="${margin.top + plotH + 5}" stroke="black"/>`)
    out.push(`<text x="${xx}" y="${margin.top + plotH + 18}" text-anchor="middle">${x}</text>`)
  }
  out.push(
    `<line x1="${margin.left}" y1="${margin.top + plotH}" x2="${margin.left + plotW}" y2="${margin.top + plotH}" stroke="black"/>`,
  )
  out.push(`<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${margin.top + plotH}" stroke="black"/>`)
  out.push(
    `<text x="${margin.left + plotW / 2}" y="${height - 14}" text-anchor="middle">${escapeXml(options.xLabel)}${options.logX ? ' (log scale)' : ''}</text>`,
  )
  out.push(
    `<text transform="translate(16 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  )
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]
    const pts = [...s.points].sort((a, b) => a.x - b.x)
    const d = pts.map((p, j) => `${j === 0 ? 'M' : 'L'}${px(p.x).toFixed(1)} ${py(p.y).toFixed(1)}`).join(' ')
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`)
    for (const p of pts) out.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="3" fill="${color}"/>`)
    const ly = margin.top + 10 + i * 20
    const lx = margin.left + plotW + 16
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${color}" stroke-width="2"/>`)
    out.push(`<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${escapeXml(s.name)}</text>`)
  })
  out.push('</svg>')
  return `${out.join('\n')}\n`
}

/** The Recall@K chart of an evaluation: one line per model. */
export function recallCurveSvg(result: {
  dataset: string
  models: ReadonlyArray<{ name: string; recallCurve: ReadonlyArray<{ k: number; recall: number }> }>
}): string {
  return lineChartSvg(
    result.models.map((m) => ({ name: m.name, points: m.recallCurve.map((p) => ({ x: p.k, y: p.recall })) })),
    { title: `Recall@K on ${result.dataset} (held-out users)`, xLabel: 'K', yLabel: 'Recall@K', logX: true },
  )
}
