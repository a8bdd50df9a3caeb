/**
 * An RFC 4180 CSV reader: quoted fields with embedded delimiters, line breaks and doubled quotes, CRLF or LF
 * line ends, an optional UTF-8 BOM. Every record carries the physical line it starts on (1-based), so problems
 * can point at the right line even after multi-line fields.
 */

export interface CsvRecord {
  fields: string[]
  /** 1-based physical line where the record starts. */
  line: number
}

export interface CsvError {
  line: number
  message: string
}

export interface CsvOptions {
  /** One character; default `,`. */
  delimiter?: string
  onError?: (error: CsvError) => void
}

const QUOTE = 34
const CR = 13
const LF = 10

/**
 * Calls `onRecord` for each record of `text`, in order. Blank lines are skipped. A malformed record (text after
 * a closing quote, a quote never closed) is reported through `onError` and skipped; reading goes on with the next line.
 */
export function readCsv(text: string, onRecord: (record: CsvRecord) => void, options: CsvOptions = {}): void {
  const delim = (options.delimiter ?? ',').charCodeAt(0)
  const onError = options.onError ?? (() => {})
  const n = text.length
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  let line = 1
  while (i < n) {
    const startLine = line
    const fields: string[] = []
    let bad: string | undefined
    // One record per outer iteration; each inner iteration reads one field.
    for (;;) {
      if (i < n && text.charCodeAt(i) === QUOTE) {
        let value = ''
        let from = i + 1
        let closed = false
        i++
        while (i < n) {
          const q = text.indexOf('"', i)
          if (q === -1) {
            i = n
            break
          }
          for (let k = text.indexOf('\n', i); k !== -1 && k < q; k = text.indexOf('\n', k + 1)) line++
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(from, q + 1)
            i = q + 2
            from = i
            continue
          }
          value += text.slice(from, q)
          i = q + 1
          closed = true
          break
        }
        if (!closed) {
          bad = `a quoted field starting on line ${startLine} is never closed`
          break
        }
        fields.push(value)
        const c = i < n ? text.charCodeAt(i) : LF
        if (c === delim) {
          i++
          continue
        }
        if (c === CR || c === LF || i >= n) break
        bad = `unexpected character ${JSON.stringify(text[i])} after a closing quote (quote the whole field and double inner quotes)`
        break
      }
      let j = i
      while (j < n) {
        const c = text.charCodeAt(j)
        if (c === delim || c === LF || c === CR) break
        j++
      }
      fields.push(text.slice(i, j))
      i = j
      if (i < n && text.charCodeAt(i) === delim) {
        i++
        continue
      }
      break
    }
    if (bad !== undefined) {
      onError({ line: startLine, message: bad })
      // Resynchronise at the next line end.
      const next = text.indexOf('\n', i)
      if (next === -1) return
      i = next + 1
      line++
      continue
    }
    // Consume the line end (CRLF, LF or a lone CR).
    if (i < n && text.charCodeAt(i) === CR) i++
    if (i < n && text.charCodeAt(i) === LF) i++
    const blank = fields.length === 1 && fields[0] === ''
    if (!blank) onRecord({ fields, line: startLine })
    line++
  }
}

/** Reads a whole CSV text into records (header included). */
export function parseCsv(text: string, options: CsvOptions = {}): CsvRecord[] {
  const out: CsvRecord[] = []
  readCsv(text, (r) => out.push(r), options)
  return out
}
