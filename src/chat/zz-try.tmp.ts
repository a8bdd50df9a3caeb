import { loadCatalog } from '../catalog/index.ts'
import { createCategoryLexicon } from './categories.ts'
import { createTitleIndex } from './title-index.ts'
import { understand } from './understand.ts'

const cat = await loadCatalog({ dataDir: '/work/shared/data' })
const items = cat.items
const lexicon = createCategoryLexicon(items)
const reserved = new Set([...lexicon.terms.keys()].filter((k) => !k.includes(' ')))
const titles = createTitleIndex(items, undefined, { reserved })
const byId = new Map(items.map((i) => [i.id, i]))
let text: string | undefined
const knowsName = (n: string) => {
  text ??= items.map((i) => `${i.title}\n${i.description}\n${i.tags.join('\n')}`.toLowerCase()).join('\n')
  return text.includes(n.toLowerCase())
}
const ctx = { lastShown: [], yearOf: (id: string) => byId.get(id)?.year, maxYear: 2018, hasRuntime: true, knowsName }
for (const m of process.argv.slice(2)) {
  const u = understand(m, ctx as never, titles, lexicon)
  console.log(
    JSON.stringify(m),
    '→',
    JSON.stringify({
      mentions: u.mentions.map((x) => [
        x.mention.text,
        x.mention.itemId && titles.label(x.mention.itemId),
        x.mention.candidates.slice(0, 3).map((c) => titles.label(c)),
        x.mention.fuzzy,
        x.action,
      ]),
      inc: u.include,
      all: u.includeAll,
      exc: u.exclude,
      era: u.era,
      prefs: u.preferences,
      intent: u.intent,
    }),
  )
}
