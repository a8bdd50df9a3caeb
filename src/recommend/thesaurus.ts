import type { Item } from '../core/index.ts'
import { type SearchWords, tagKeptWhole } from './lexical.ts'

/**
 * The catalogue's facts by the other names a thesaurus (WordNet) gives them: "the lone star state" is Texas, "the
 * emerald isle" Ireland, "the french capital" Paris, "a hired gun" a hitman. Neither the items' text nor the sentence
 * encoder bridges such names (no film's overview says "lone star state"; USE-lite puts it near any film with a star
 * in it), and a thesaurus is not fitted to any catalogue: each tag's own senses are looked up, and their names of
 * two words or more become searchable words for the tag ({@link SearchWords}: a wish saying one is also searched
 * for the tag's words). Single words are left out: a word's synonyms are the thesaurus's noisiest part ("chess" is
 * also a grass called "cheat", "family" a "house").
 */

/** Lookups into a thesaurus of English nouns and adjectives. */
export interface Thesaurus {
  /** The names (lower-case, words separated by spaces) of each sense of `lemma` read as a noun, then as an adjective. */
  sensesOf(lemma: string): readonly (readonly string[])[]
}

/** The fact names (tags, lower-case) of the items: what the thesaurus is asked about. */
export function factNamesOf(items: readonly Item[]): Set<string> {
  const names = new Set<string>()
  for (const item of items) for (const tag of item.tags) names.add(tag.trim().toLowerCase())
  return names
}

/**
 * The other names of each fact (at least two words, not itself a fact, no abbreviation), as search words for the
 * fact's name, in the facts' sorted order. A fact whose key drops some of its words is skipped: "world war i" and
 * "world war ii" are one fact to the search (numerals are no words to it), so "the great war" would name both.
 */
export function thesaurusWords(facts: ReadonlySet<string>, thesaurus: Thesaurus): SearchWords[] {
  const out: SearchWords[] = []
  for (const fact of [...facts].sort()) {
    if (!tagKeptWhole(fact)) continue
    const phrases = new Set<string>()
    for (const sense of thesaurus.sensesOf(fact)) {
      for (const name of sense) if (isOtherName(name, fact, facts)) phrases.add(name)
    }
    if (phrases.size) out.push({ phrases: [...phrases].sort(), terms: [fact] })
  }
  return out
}

function isOtherName(name: string, fact: string, facts: ReadonlySet<string>): boolean {
  return name !== fact && !facts.has(name) && !name.includes('.') && name.split(/[\s-]+/).length >= 2
}

/** One part of speech of the thesaurus: each lemma's senses (offsets into the data file) and how many are attested. */
interface PartOfSpeech {
  index: ReadonlyMap<string, { offsets: readonly number[]; attested: number }>
  data: Buffer
}

/**
 * A thesaurus over WordNet's noun and adjective files (`index.noun`, `data.noun`, `index.adj`, `data.adj`, as the
 * WordNet database ships them). A lemma's senses are the ones attested in WordNet's sense-tagged corpus (their count
 * is in the index, commonest first), or its only sense; an ambiguous lemma no corpus attests gets none ("chess"
 * has two unattested senses, a game and a grass: neither is guessed).
 */
export function wordNetThesaurus(files: { indexNoun: Buffer; dataNoun: Buffer; indexAdj: Buffer; dataAdj: Buffer }): Thesaurus {
  const parts: PartOfSpeech[] = [
    { index: readIndex(files.indexNoun), data: files.dataNoun },
    { index: readIndex(files.indexAdj), data: files.dataAdj },
  ]
  return {
    sensesOf(lemma) {
      const key = lemma.trim().toLowerCase().replace(/\s+/g, '_')
      const senses: string[][] = []
      for (const { index, data } of parts) {
        const entry = index.get(key)
        if (!entry) continue
        const { offsets, attested } = entry
        const chosen = attested > 0 ? offsets.slice(0, attested) : offsets.length === 1 ? offsets : []
        for (const offset of chosen) senses.push(synsetNames(data, offset))
      }
      return senses
    },
  }
}

/**
 * An index file's lines: `lemma pos synset_cnt p_cnt [ptr_symbol…] sense_cnt tagsense_cnt synset_offset…`; lines
 * starting with a space are the licence.
 */
function readIndex(file: Buffer): Map<string, { offsets: number[]; attested: number }> {
  const index = new Map<string, { offsets: number[]; attested: number }>()
  for (const line of file.toString('latin1').split('\n')) {
    if (!line || line.startsWith(' ')) continue
    const fields = line.trim().split(' ')
    const pointers = Number(fields[3])
    const senses = Number(fields[4 + pointers])
    const attested = Number(fields[5 + pointers])
    const offsets = fields.slice(6 + pointers, 6 + pointers + senses).map(Number)
    if (fields[0] && offsets.length === senses && offsets.every(Number.isInteger)) index.set(fields[0], { offsets, attested })
  }
  return index
}

/**
 * The names of the synset at byte `offset` of a data file (`offset lex_filenum ss_type w_cnt word lex_id …`, w_cnt
 * in hexadecimal), lower-case with spaces for underscores and an adjective's position marker ("(a)") dropped.
 */
function synsetNames(data: Buffer, offset: number): string[] {
  const end = data.indexOf(10, offset)
  const fields = data.toString('latin1', offset, end < 0 ? data.length : end).split(' ')
  const count = Number.parseInt(fields[3] ?? '', 16)
  const names: string[] = []
  for (let i = 0; i < (Number.isInteger(count) ? count : 0); i++) {
    const word = fields[4 + 2 * i]
    if (word)
      names.push(
        word
          .replace(/\(\w+\)$/, '')
          .replace(/_/g, ' ')
          .toLowerCase(),
      )
  }
  return names
}
