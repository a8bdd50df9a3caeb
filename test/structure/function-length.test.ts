import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../support/data.ts'

/** The longest a function may be in the folders the domains issue names (the house style asks for a screen). */
const MAX_LINES = 120
const FOLDERS = ['src/chat', 'src/recommend']

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

/** Every function (declaration, method, arrow) longer than `max` lines in one file, as "file:line name (n lines)". */
function longFunctions(file: string, max: number): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const found: string[] = []
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart()).line
      const last = source.getLineAndCharacterOfPosition(node.end).line
      const name = node.name?.getText() ?? '(anonymous)'
      if (last - first + 1 > max) found.push(`${relative(repoRoot, file)}:${first + 1} ${name} (${last - first + 1} lines)`)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

describe('function length', () => {
  it.each(FOLDERS)(`no function in %s is longer than ${MAX_LINES} lines`, (folder) => {
    expect(sourceFiles(join(repoRoot, folder)).flatMap((file) => longFunctions(file, MAX_LINES))).toEqual([])
  })

  it('finds a function that is too long (the check can fail)', () => {
    const long = join(repoRoot, 'src', 'recommend', 'recommender.ts')
    expect(longFunctions(long, 10).length).toBeGreaterThan(0)
  })
})
