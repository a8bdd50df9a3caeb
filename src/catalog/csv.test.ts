import { describe, expect, it } from 'vitest'
import { type CsvError, parseCsv } from './csv.ts'

const rows = (text: string, delimiter?: string) => parseCsv(text, delimiter ? { delimiter } : {}).map((r) => r.fields)

describe('parseCsv', () => {
  it('splits plain fields and keeps empty ones', () => {
    expect(rows('a,b,c\n1,,3\n,,\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '', '3'],
      ['', '', ''],
    ])
  })

  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    const text = 'id,text\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n4,""\n'
    expect(rows(text)).toEqual([
      ['id', 'text'],
      ['1', 'a, b'],
      ['2', 'say "hi"'],
      ['3', 'two\nlines'],
      ['4', ''],
    ])
  })

  it('handles CRLF, a lone CR, a BOM and a missing final newline', () => {
    expect(rows('\uFEFFa,b\r\n1,"x\r\ny"\r\n2,z\r3,w')).toEqual([
      ['a', 'b'],
      ['1', 'x\r\ny'],
      ['2', 'z'],
      ['3', 'w'],
    ])
  })

  it('reports the physical line each record starts on, after multi-line fields and blank lines', () => {
    const records = parseCsv('h1,h2\n1,"a\nb\nc"\n\n2,d\n3,"e\r\nf"\r\n4,g\n')
    expect(records.map((r) => [r.fields[0], r.line])).toEqual([
      ['h1', 1],
      ['1', 2],
      ['2', 6],
      ['3', 7],
      ['4', 9],
    ])
  })

  it('reports text after a closing quote and an unclosed quote, with their lines, and keeps reading', () => {
    const errors: CsvError[] = []
    const records = parseCsv('a,b\n1,"x"y\n2,ok\n3,"never closed\n', { onError: (e) => errors.push(e) })
    expect(records.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['2', 'ok'],
    ])
    expect(errors.map((e) => e.line)).toEqual([2, 4])
    expect(errors[0]?.message).toContain('after a closing quote')
    expect(errors[1]?.message).toContain('never closed')
  })

  it('supports another delimiter', () => {
    expect(rows('1\t2\t"a\tb"\n', '\t')).toEqual([['1', '2', 'a\tb']])
  })

  it('reads 100k rows with quoted fields correctly', () => {
    const lines = ['id,title,n']
    for (let i = 0; i < 100_000; i++) lines.push(i % 3 === 0 ? `${i},"T, ""${i}""",${i * 2}` : `${i},T${i},${i * 2}`)
    const records = parseCsv(lines.join('\r\n'))
    expect(records).toHaveLength(100_001)
    expect(records[99_001]?.fields).toEqual(['99000', 'T, "99000"', '198000'])
    expect(records[100_000]?.line).toBe(100_001)
  })
})
