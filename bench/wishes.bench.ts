/**
 * The wish benchmark: natural requests ("a movie about chess", "a terminal music player"; some after earlier turns of
 * the same conversation, "a heist movie" then "funnier", whose last turn is judged), each run as a fresh conversation
 * through the real chat runtime on the current build (offline encoder, no LLM, store in memory), and judged against a
 * relevance *rule* resolved over the data folder's facts (`src/eval/wishes.ts`), not against hand-picked items. Per
 * half of the set (tuning / reporting, fixed in the file): precision@5 of the plain reply, nDCG@10 of a 10-item
 * evaluation turn, recurrence (share of all top-5 slots taken by the 20 most frequent items) and coverage (distinct
 * items shown / catalogue). README figures come from the reporting half; tune on the other.
 *
 * Environment:
 * - `BENCH_WISHES_SET`: a set in `bench/wishes/` (`movies`, `debian`) or a path; default `debian` for a generic
 *   catalogue, else `movies`;
 * - `BENCH_WISHES_BLIND=1`: labels only from TMDB keywords and companies, judged on a build made without them
 *   (`bench/wishes/blind.ts` prepares it in `BENCH_WISHES_BLIND_DIR`, default `bench/results/wishes-blind`);
 *   `BENCH_WISHES_BLIND=labels`: the same labels on the current build (the control: what the build loses without
 *   those facts in its item text);
 * - `BENCH_WISHES_DETAIL=1`: also a row per request (relevant count, precision@5, the titles shown);
 * - `BENCH_WISHES_COMPARE=<results.json>`: a saved run of the same set made with `BENCH_WISHES_DETAIL=1` (copy
 *   `bench/results/wishes.json` aside first): prints the paired change of P@5 per half with its 95% interval.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { isAbsolute, join, resolve } from 'node:path'
import { type Config, loadConfig } from '../src/config/index.ts'
import { createLogger } from '../src/core/index.ts'
import { loadWishFacts } from '../src/eval/wish-facts.ts'
import {
  blindRule,
  type ItemFacts,
  namesAFact,
  pairedDifference,
  parseWishSet,
  precisionAtK,
  resolveRule,
  summarizeWishes,
  type WishOutcome,
  type WishRequest,
  type WishSet,
  type WishSummary,
} from '../src/eval/wishes.ts'
import { createMemoryStore } from '../src/store/index.ts'
import { type BenchTable, benchDir, percentile, repoRoot, runIfMain } from './support.ts'
import { prepareBlindBuild } from './wishes/blind.ts'

const TITLE = 'Wish benchmark'
const DETAIL_TITLE = 'Wish benchmark, request by request'
/** Rules resolving to fewer items cannot be answered perfectly in five slots; they are reported, not scored. */
const MIN_RELEVANT = 5

interface Judged {
  request: WishRequest
  relevant: Set<string>
}

export async function run(): Promise<BenchTable[]> {
  const blindMode = process.env.BENCH_WISHES_BLIND
  const blind = blindMode === '1' || blindMode === 'labels'
  let config = loadConfig({ ...process.env, CONCIERGE_ENCODER: 'use' })
  if (!config.dataDir || !existsSync(config.dataDir)) return [skipped('No data folder: set CONCIERGE_DATA_DIR.')]
  if (blindMode !== '1' && !existsSync(join(config.indexesDir, 'current'))) {
    return [skipped(`No build at ${config.indexesDir}/current: run \`concierge rebuild\` first.`)]
  }
  const facts = await loadWishFacts(config.dataDir, config.dataset)
  const set = await readWishSet(process.env.BENCH_WISHES_SET ?? (facts.dataset === 'generic' ? 'debian' : 'movies'))
  if (blindMode === '1') config = await prepareBlindBuild(config, process.env.BENCH_WISHES_BLIND_DIR)
  const { judged, unscored } = judgeSet(set, facts.items, blind)
  const { outcomes, titles, turnMs, itemCount } = await askAll(config, judged)
  const halves = (['report', 'tune'] as const).map((half) => {
    const mine = outcomes.filter((o) => o.request.half === half)
    return { half, summary: summarizeWishes(mine, itemCount) }
  })
  const label = `${set.name}${blind ? `, labels from TMDB keywords and companies only, ${blindMode === '1' ? 'build without them (blind)' : 'current build'}` : ''}`
  const tables: BenchTable[] = [
    {
      title: `${TITLE}: ${label}, ${itemCount} items`,
      columns: ['half', 'requests', 'answered', 'P@5', '± 95%', 'nDCG@10', '± 95%', 'recurrence', 'coverage'],
      rows: halves.map(({ half, summary }) => summaryRow(half === 'report' ? 'reporting' : 'tuning', summary)),
      notes: [
        'P@5: share of the 5 slots of the plain reply holding an item the rule makes relevant (empty slots count as misses).',
        'nDCG@10: binary relevance over a 10-item evaluation turn of a separate fresh conversation.',
        'recurrence: share of all top-5 slots of the half taken by its 20 most frequent items; coverage: distinct items shown / catalogue.',
        `Labels are facts, so incomplete: an unlabelled but fitting item counts as a miss (compare builds, not absolutes). ${unscored.length} requests left out with fewer than ${MIN_RELEVANT} relevant items${unscored.length ? `: ${unscored.join(', ')}` : ''}.`,
        `Turn latency over the run: p50 ${percentile(turnMs, 50).toFixed(1)} ms, p99 ${percentile(turnMs, 99).toFixed(1)} ms.`,
      ],
    },
    kindTable(outcomes.filter((o) => o.request.half === 'tune')),
    wordingTable(outcomes.filter((o) => o.request.half === 'tune')),
  ]
  if (process.env.BENCH_WISHES_COMPARE) tables.push(await comparisonTable(process.env.BENCH_WISHES_COMPARE, outcomes))
  if (process.env.BENCH_WISHES_DETAIL === '1') tables.push(detailTable(outcomes, titles))
  return tables
}

function skipped(note: string): BenchTable {
  return { title: TITLE, columns: ['status'], rows: [['skipped']], notes: [note] }
}

/** Reads and validates a set by name (`bench/wishes/<name>.json`) or path. */
export async function readWishSet(nameOrPath: string): Promise<WishSet> {
  const path = nameOrPath.endsWith('.json')
    ? isAbsolute(nameOrPath)
      ? nameOrPath
      : resolve(repoRoot, nameOrPath)
    : join(benchDir, 'wishes', `${nameOrPath}.json`)
  return parseWishSet(JSON.parse(await readFile(path, 'utf8')), path)
}

/** Each request's relevant items (blind: from TMDB keywords and companies only); too few relevant items leave it out. */
function judgeSet(set: WishSet, items: readonly ItemFacts[], blind: boolean): { judged: Judged[]; unscored: string[] } {
  const judged: Judged[] = []
  const unscored: string[] = []
  for (const request of set.requests) {
    const rule = blind ? blindRule(request.rule) : request.rule
    if (!rule) continue
    const relevant = resolveRule(items, rule)
    if (relevant.size < MIN_RELEVANT) unscored.push(request.id)
    else judged.push({ request, relevant })
  }
  return { judged, unscored }
}

/** Runs every request twice on one runtime: a plain turn (what a person sees) and a 10-item evaluation turn. */
async function askAll(config: Readonly<Config>, judged: readonly Judged[]) {
  const { createRuntime } = await import('../src/runtime.ts')
  const logger = createLogger({ level: 'warn' })
  const store = await createMemoryStore()
  const runtime = await createRuntime({ ...config, llm: { timeoutMs: config.llm.timeoutMs } }, { logger, store })
  const outcomes: WishOutcome[] = []
  const titles = new Map<string, string>()
  const turnMs: number[] = []
  try {
    for (const { request, relevant } of judged) {
      // A person of their own per request: a title one request names is a like of its asker, and must not steer the next.
      const plain = { conversationId: `wish-${request.id}`, userId: `wish-${request.id}` }
      const rank = { conversationId: `wish-rank-${request.id}`, userId: `wish-${request.id}-rank` }
      // The earlier turns of a conversation, said in both; only the last turn is judged (and timed).
      for (const text of request.before ?? []) {
        await runtime.chat.handleTurn({ ...plain, text })
        await runtime.chat.handleTurn({ ...rank, text })
      }
      const started = performance.now()
      const reply = await runtime.chat.handleTurn({ ...plain, text: request.text })
      turnMs.push(performance.now() - started)
      const ranking = await runtime.evalTurn({ ...rank, text: request.text }, { k: 10, remember: false })
      for (const item of [...reply.items, ...ranking.items])
        titles.set(item.id, item.year ? `${item.title} (${item.year})` : item.title)
      outcomes.push({
        request,
        relevant,
        shown: reply.items.slice(0, 5).map((i) => i.id),
        ranked: ranking.items.map((i) => i.id),
      })
    }
    return { outcomes, titles, turnMs, itemCount: runtime.itemCount }
  } finally {
    await runtime.close()
    await store.close()
  }
}

function summaryRow(half: string, s: WishSummary): (string | number)[] {
  return [half, s.requests, s.answered, s.precisionAt5, s.precisionAt5Ci, s.ndcgAt10, s.ndcgAt10Ci, s.recurrence, s.coverage]
}

/** Precision@5 and nDCG@10 by kind of request, on the tuning half (the half to look into while tuning). */
function kindTable(outcomes: readonly WishOutcome[]): BenchTable {
  const kinds = [...new Set(outcomes.map((o) => o.request.kind))].sort()
  return {
    title: 'Wish benchmark by kind of request (tuning half)',
    columns: ['kind', 'requests', 'P@5', 'nDCG@10'],
    rows: kinds.map((kind) => {
      const s = summarizeWishes(
        outcomes.filter((o) => o.request.kind === kind),
        1,
      )
      return [kind, s.requests, s.precisionAt5, s.ndcgAt10]
    }),
  }
}

/** Requests that name a fact of their rule against paraphrased ones (tuning half): how much is string matching. */
function wordingTable(outcomes: readonly WishOutcome[]): BenchTable {
  const groups: [string, WishOutcome[]][] = [
    ['names a fact of its rule', outcomes.filter((o) => namesAFact(o.request))],
    ['paraphrased', outcomes.filter((o) => !namesAFact(o.request))],
  ]
  return {
    title: 'Wish benchmark by wording (tuning half)',
    columns: ['wording', 'requests', 'P@5', 'nDCG@10'],
    rows: groups.map(([label, mine]) => {
      const s = summarizeWishes(mine, 1)
      return [label, s.requests, s.precisionAt5, s.ndcgAt10]
    }),
  }
}

/** P@5 of this run against a saved detailed run, request by request (paired), per half. */
async function comparisonTable(path: string, outcomes: readonly WishOutcome[]): Promise<BenchTable> {
  const saved = JSON.parse(await readFile(path, 'utf8')) as { tables: BenchTable[] }
  const detail = saved.tables.find((t) => t.title === DETAIL_TITLE)
  if (!detail) throw new Error(`${path} has no per-request table: save a run made with BENCH_WISHES_DETAIL=1`)
  const [idAt, p5At] = [detail.columns.indexOf('request'), detail.columns.indexOf('P@5')]
  const before = new Map(detail.rows.map((row) => [String(row[idAt]), Number(row[p5At])]))
  return {
    title: `Wish benchmark: change of P@5 against ${path}`,
    columns: ['half', 'paired requests', 'P@5 change', '± 95%'],
    rows: (['tune', 'report'] as const).map((half) => {
      const after = new Map(
        outcomes.filter((o) => o.request.half === half).map((o) => [o.request.id, precisionAtK(o.shown, o.relevant, 5)]),
      )
      const d = pairedDifference(before, after)
      return [half === 'tune' ? 'tuning' : 'reporting', d.n, d.mean, d.halfWidth]
    }),
  }
}

function detailTable(outcomes: readonly WishOutcome[], titles: ReadonlyMap<string, string>): BenchTable {
  return {
    title: DETAIL_TITLE,
    columns: ['half', 'request', 'text', 'relevant', 'P@5', 'shown (✓ relevant)'],
    rows: outcomes.map((o) => [
      o.request.half,
      o.request.id,
      [...(o.request.before ?? []), o.request.text].join(' → '),
      o.relevant.size,
      precisionAtK(o.shown, o.relevant, 5),
      o.shown.map((id) => `${o.relevant.has(id) ? '✓ ' : ''}${titles.get(id) ?? id}`).join('; '),
    ]),
  }
}

await runIfMain(import.meta.url, run)
