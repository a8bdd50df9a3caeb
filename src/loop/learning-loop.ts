import type { Config } from '../config/index.ts'
import { type ChatService, errorMessage, type Logger } from '../core/index.ts'
import type { ItemEvent } from './events.ts'
import { type ImpressionLog, type ItemCounts, openImpressionLog } from './impressions.ts'
import type { OpenedItem } from './opens.ts'
import { type AbReport, buildAbReport } from './report.ts'
import { assignVariant } from './variants.ts'

const SWEEP_EVERY_MS = 3_600_000

/** Impressions, outcomes and A/B variants around the chat service. */
export interface LearningLoop {
  /** The chat service with each reply's items logged as impressions (and its `variant` set), feedback as outcomes. */
  wrap(chat: ChatService): ChatService
  /** Joins recorded events to the impressions of their items (outcome `event:<type>`). */
  recordEvents(events: readonly ItemEvent[], now?: number): Promise<void>
  /** Joins an opened item to its impression (outcome `open`). */
  recordOpen(opened: Pick<OpenedItem, 'userId' | 'itemId'>, now?: number): Promise<void>
  /** `concierge_impressions_total{variant}` and `concierge_feedback_total{variant,kind}` in Prometheus text format. */
  metricsText(): string
  /** The A/B report of `concierge report` over the impressions since `since` (ms), for the operator page. */
  report(since?: number): Promise<AbReport>
  /** The items shown most and liked most. */
  topItems(limit: number): Promise<{ shown: ItemCounts[]; liked: ItemCounts[] }>
  /** Deletes impressions past the retention; returns how many. Also runs at start and hourly. */
  sweep(now?: number): Promise<number>
  /** Closes the impression log too. */
  close(): Promise<void>
}

/** What the operator page reads from the loop. */
export type LoopInsights = Pick<LearningLoop, 'report' | 'topItems'>

/**
 * The loop over `deps.log` (default: the SQLite file of `config.impressionsPath`), with its retention sweep started.
 * Throws `store.failed` when the default log cannot be opened.
 */
export function openLearningLoop(config: Readonly<Config['loop']>, deps: { logger: Logger; log?: ImpressionLog }): LearningLoop {
  const log = deps.log ?? openImpressionLog(config.impressionsPath)
  const impressions = new Map<string, number>()
  const feedback = new Map<string, { variant: string; kind: string; count: number }>()
  const variantOf = (userId: string) => assignVariant(userId, config.variants)
  const safely = async (what: string, fn: () => Promise<unknown>) => {
    // The log measures; a failure to write it must not fail the person's turn.
    try {
      await fn()
    } catch (error) {
      deps.logger.warn(`could not ${what}`, { reason: errorMessage(error) })
    }
  }
  const countFeedback = (variant: string, kind: string) => {
    const key = `${variant}\u0000${kind}`
    const entry = feedback.get(key) ?? { variant, kind, count: 0 }
    entry.count++
    feedback.set(key, entry)
  }
  const recordOutcome = (userId: string, itemId: string, kind: string, at: number) => {
    countFeedback(variantOf(userId), kind)
    return safely('record an outcome', () => log.recordOutcome({ userId, itemId, kind, at }, config.outcomeWindowMs))
  }

  const sweep = async (now = Date.now()) =>
    config.impressionsRetentionMs > 0 ? log.deleteBefore(now - config.impressionsRetentionMs) : 0
  const sweeping = safely('sweep old impressions', () => sweep())
  const timer = setInterval(() => void safely('sweep old impressions', () => sweep()), SWEEP_EVERY_MS)
  timer.unref()

  return {
    wrap: (chat) => ({
      ...chat,
      handleTurn: async (input, options) => {
        const variant = variantOf(input.userId)
        const reply = await chat.handleTurn(input, options)
        const at = Date.now()
        // "More like the second one" is an outcome of the impression it points at, joined before the new reply's.
        for (const itemId of reply.moreLike ?? []) await recordOutcome(input.userId, itemId, 'more_like_this', at)
        const itemIds = reply.items.map((item) => item.id)
        await safely('record impressions', () =>
          log.recordShown({ conversationId: input.conversationId, userId: input.userId, variant, itemIds, at }),
        )
        impressions.set(variant, (impressions.get(variant) ?? 0) + itemIds.length)
        return { ...reply, variant }
      },
      feedback: async (input) => {
        await chat.feedback(input)
        await recordOutcome(input.userId, input.itemId, input.kind, Date.now())
      },
      forgetUser: async (userId) => {
        await chat.forgetUser(userId)
        await log.forgetUser(userId)
      },
    }),
    recordEvents: async (events, now = Date.now()) => {
      for (const e of events) await recordOutcome(e.userId, e.itemId, `event:${e.type}`, now)
    },
    recordOpen: (opened, now = Date.now()) => recordOutcome(opened.userId, opened.itemId, 'open', now),
    metricsText: () => renderMetrics(impressions, [...feedback.values()]),
    report: async (since) => buildAbReport(await log.counts(since), since),
    topItems: (limit) => log.topItems(limit),
    sweep,
    close: async () => {
      clearInterval(timer)
      await sweeping
      await log.close()
    },
  }
}

function renderMetrics(impressions: ReadonlyMap<string, number>, feedback: { variant: string; kind: string; count: number }[]) {
  const lines = [
    '# HELP concierge_impressions_total Items shown in replies, per A/B variant.',
    '# TYPE concierge_impressions_total counter',
    ...[...impressions].map(([variant, n]) => `concierge_impressions_total{variant="${variant}"} ${n}`),
    '# HELP concierge_feedback_total Feedback and events on items, per A/B variant and kind.',
    '# TYPE concierge_feedback_total counter',
    ...feedback.map((f) => `concierge_feedback_total{variant="${f.variant}",kind="${f.kind}"} ${f.count}`),
  ]
  return `${lines.join('\n')}\n`
}
