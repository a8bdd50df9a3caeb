import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { FILMS } from '../fixtures/data/films.ts'

const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
const COMMON = `a an the and or but not no nothing of to in on at for with from by about like as is are was were be been
  i you he she it we they me my your his her its our their this that these those what which who how when where why
  movie movies film films something anything more please some good great funny scary long short too very really
  loved love like liked seen watch watched want looking kids family old new from before after any other one two
  hi hello thanks yes sorry show me give find more similar different start over again animated comedy comedies
  horror thriller drama war romance romantic action adventure space science fiction sci fi crime mystery fantasy
  documentary musical western children animation years minutes 90s 80s 70s decade`

/**
 * A small BERT-style WordPiece tokenizer written for the tests (no vocabulary is copied from a released model): the
 * special tokens, single characters and `##` continuations (so every word tokenizes), and whole words from everyday
 * requests and from the fixture films. Same layout as the MiniLM tokenizer files transformers.js reads.
 */
export function tinyVocabulary(): string[] {
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('')
  const punctuation = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~·’'.split('')
  const words = new Set<string>()
  const addWords = (text: string) => {
    for (const w of text.toLowerCase().match(/[a-z]+/g) ?? []) if (w.length > 1) words.add(w)
  }
  addWords(COMMON)
  for (const film of FILMS) addWords(`${film.title} ${film.overview} ${film.keywords.join(' ')} ${film.genres.join(' ')}`)
  return [...SPECIALS, ...punctuation, ...letters, ...letters.map((c) => `##${c}`), ...[...words].sort()]
}

/** Writes tokenizer.json, tokenizer_config.json, special_tokens_map.json and vocab.txt to `dir`; returns the vocabulary size. */
export async function writeTinyTokenizer(dir: string): Promise<number> {
  const vocab = tinyVocabulary()
  const id = (token: string) => vocab.indexOf(token)
  const special = (token: string) => ({
    id: id(token),
    content: token,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  })
  const tokenizer = {
    version: '1.0',
    truncation: { direction: 'Right', max_length: 128, strategy: 'LongestFirst', stride: 0 },
    padding: null,
    added_tokens: SPECIALS.map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [id('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [id('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((token, i) => [token, i])),
    },
  }
  const config = {
    cls_token: '[CLS]',
    do_basic_tokenize: true,
    do_lower_case: true,
    mask_token: '[MASK]',
    model_max_length: 512,
    pad_token: '[PAD]',
    sep_token: '[SEP]',
    strip_accents: null,
    tokenize_chinese_chars: true,
    tokenizer_class: 'BertTokenizer',
    unk_token: '[UNK]',
  }
  const specialsMap = { cls_token: '[CLS]', mask_token: '[MASK]', pad_token: '[PAD]', sep_token: '[SEP]', unk_token: '[UNK]' }
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer))
  await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify(config))
  await writeFile(join(dir, 'special_tokens_map.json'), JSON.stringify(specialsMap))
  await writeFile(join(dir, 'vocab.txt'), `${vocab.join('\n')}\n`)
  return vocab.length
}
