/**
 * Chat turn latency on the real build (indexes/current, full ml-latest-small), offline encoder, no LLM, store in
 * memory: scripted conversations (free text, titles, references, critiques, filters), each turn timed end to end
 * (understanding + recommendation + explanations). Also the understanding step alone. Skipped with a note when
 * there is no build. Targets: turn p50 ≤ 50 ms, p99 ≤ 200 ms.
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createCategoryLexicon, createTitleIndex, understand } from '../src/chat/index.ts'
import { loadConfig } from '../src/config/index.ts'
import { createLogger } from '../src/core/index.ts'
import { createMemoryStore } from '../src/store/index.ts'
import { type BenchTable, percentile, repoRoot, runIfMain } from './support.ts'

const CONVERSATIONS = [
  ['hi', 'something funny from the 90s', 'more like the second one', 'no horror', 'darker', 'not that one', 'more recent'],
  ['I loved The Matrix and Blade Runner', 'nothing too violent', 'the third one', 'older', 'start over', 'a romantic comedy'],
  ['an animated movie for the kids', 'I loved Toy Story and Finding Nemo', 'funnier', 'more like #1', 'something from the 2000s'],
  ['I hated Titanic but loved Fight Club', 'something smart and dark', 'no thrillers', 'the last one', 'more'],
]
const ROUNDS = Number(process.env.BENCH_CHAT_ROUNDS ?? 3)

export async function run(): Promise<BenchTable[]> {
  const indexesDir = process.env.CONCIERGE_INDEXES_DIR ? resolve(process.env.CONCIERGE_INDEXES_DIR) : join(repoRoot, 'indexes')
  if (!existsSync(join(indexesDir, 'current'))) {
    return [
      {
        title: 'Chat turn latency',
        columns: ['status'],
        rows: [['skipped']],
        notes: [`No build at ${indexesDir}/current: run \`concierge rebuild\` on ml-latest-small first.`],
      },
    ]
  }
  const { createRuntime } = await import('../src/runtime.ts')
  const config = loadConfig({ ...process.env, CONCIERGE_INDEXES_DIR: indexesDir, CONCIERGE_ENCODER: 'use' })
  const logger = createLogger({ level: 'warn' })
  const store = await createMemoryStore()
  const runtime = await createRuntime({ ...config, llm: { timeoutMs: config.llm.timeoutMs } }, { logger, store })
  const turns: number[] = []
  const first: number[] = []
  const slowest: { ms: number; text: string; round: number }[] = []
  try {
    // Warm-up: one conversation, not timed.
    for (const text of CONVERSATIONS[0]!) await runtime.chat.handleTurn({ conversationId: 'warm', userId: 'warm', text })
    for (let round = 0; round < ROUNDS; round++) {
      for (const [c, script] of CONVERSATIONS.entries()) {
        for (const [t, text] of script.entries()) {
          const start = performance.now()
          await runtime.chat.handleTurn({ conversationId: `b${round}-${c}`, userId: `u${c}`, text })
          const ms = performance.now() - start
          turns.push(ms)
          slowest.push({ ms, text, round })
          if (t === 0) first.push(ms)
        }
      }
    }
  } finally {
    await runtime.close()
    await store.close()
  }

  // Understanding alone, on the same catalogue the runtime used.
  const { readSnapshot, currentBuildDir } = await import('../src/build/index.ts')
  const current = await currentBuildDir(config)
  const { items, popularity } = await readSnapshot(current!.dir)
  const lexicon = createCategoryLexicon(items)
  const titles = createTitleIndex(items, popularity, {
    reserved: new Set([...lexicon.terms.keys()].filter((k) => !k.includes(' '))),
  })
  const ctx = { lastShown: items.slice(0, 5).map((i) => i.id), yearOf: () => 2000, maxYear: 2018, hasRuntime: false }
  const parse: number[] = []
  for (let r = 0; r < 20; r++) {
    for (const text of CONVERSATIONS.flat()) {
      const start = performance.now()
      understand(text, ctx, titles, lexicon)
      parse.push(performance.now() - start)
    }
  }
  const row = (name: string, xs: number[]) => [name, xs.length, percentile(xs, 50), percentile(xs, 99), Math.max(...xs)]
  return [
    {
      title: `Chat turn latency (indexes/current, ${items.length} items, offline encoder, no LLM)`,
      columns: ['step', 'n', 'p50 ms', 'p99 ms', 'max ms'],
      rows: [row('turn (end to end)', turns), row('first turn of a conversation', first), row('understanding only', parse)],
      notes: [
        'Targets: turn p50 ≤ 50 ms, p99 ≤ 200 ms. 2 shared cores: read as a floor.',
        `Slowest turns: ${slowest
          .sort((a, b) => b.ms - a.ms)
          .slice(0, 5)
          .map((s) => `"${s.text}" (round ${s.round + 1}) ${s.ms.toFixed(0)} ms`)
          .join('; ')}.`,
      ],
    },
  ]
}

await runIfMain(import.meta.url, run)
