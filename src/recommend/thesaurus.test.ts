import { describe, expect, it } from 'vitest'
import type { Item } from '../core/index.ts'
import { factNamesOf, thesaurusWords, wordNetThesaurus } from './thesaurus.ts'

/** A WordNet-shaped index and data file: each synset as `[names, …]`, each lemma's senses and how many are attested. */
function wordNet(synsets: string[][], lemmas: Record<string, { senses: number[]; attested: number }>) {
  const licence = '  1 This software and database is being provided to you\n'
  let data = licence
  const offsets: number[] = []
  for (const names of synsets) {
    offsets.push(Buffer.byteLength(data, 'latin1'))
    const words = names.map((n) => `${n.replace(/ /g, '_')} 0`).join(' ')
    data += `00000000 15 n ${names.length.toString(16).padStart(2, '0')} ${words} 000 | a gloss\n`
  }
  const index =
    licence +
    Object.entries(lemmas)
      .map(([lemma, { senses, attested }]) => {
        const own = senses.map((s) => String(offsets[s]).padStart(8, '0')).join(' ')
        return `${lemma.replace(/ /g, '_')} n ${senses.length} 1 @ ${senses.length} ${attested} ${own}  `
      })
      .join('\n')
  const empty = Buffer.from(licence)
  return wordNetThesaurus({
    indexNoun: Buffer.from(index),
    dataNoun: Buffer.from(data, 'latin1'),
    indexAdj: empty,
    dataAdj: empty,
  })
}

const thesaurus = wordNet(
  [
    ['Texas', 'Lone-Star State', 'TX', 'Tex.'],
    ['Ireland', 'Republic of Ireland', 'Eire'],
    ['Ireland', 'Hibernia', 'Emerald Isle'],
    ['chess', 'cheat', 'Bromus secalinus'],
    ['chess', 'chess game'],
    ['hitman', 'hit man', 'hired gun', 'gun for hire'],
    ['World War I', 'Great War', 'First World War'],
  ],
  {
    texas: { senses: [0], attested: 1 },
    ireland: { senses: [1, 2], attested: 2 },
    chess: { senses: [3, 4], attested: 0 },
    hitman: { senses: [5], attested: 0 },
    'world war i': { senses: [6], attested: 1 },
  },
)

describe('the thesaurus of a catalogue', () => {
  it("gives a fact's other names of two words or more as words searched for it", () => {
    const words = thesaurusWords(new Set(['texas', 'ireland', 'hitman']), thesaurus)
    expect(words).toEqual([
      { phrases: ['gun for hire', 'hired gun', 'hit man'], terms: ['hitman'] },
      { phrases: ['emerald isle', 'republic of ireland'], terms: ['ireland'] },
      { phrases: ['lone-star state'], terms: ['texas'] },
    ])
  })

  it("leaves out single words, abbreviations, other facts' names and an ambiguous word no corpus attests", () => {
    const words = thesaurusWords(new Set(['chess', 'hitman', 'hit man']), thesaurus)
    // "cheat" (a grass) and "chess game" alike: "chess" has two senses and neither is attested.
    expect(words).toEqual([{ phrases: ['gun for hire', 'hired gun'], terms: ['hitman'] }])
    // "World War I" keeps its numeral ("world war ii" is another fact), so its other names name it alone.
    expect(thesaurusWords(new Set(['world war i']), thesaurus)).toEqual([
      { phrases: ['first world war', 'great war'], terms: ['world war i'] },
    ])
  })

  it('asks about the tags the items hold, once each', () => {
    const item = (tags: string[]): Item => ({ id: tags.join(), title: 't', description: '', tags, categories: [], metadata: {} })
    expect([...factNamesOf([item(['Texas', 'heist']), item(['texas '])])].sort()).toEqual(['heist', 'texas'])
  })
})
