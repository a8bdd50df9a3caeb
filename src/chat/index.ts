/**
 * The transport-free dialogue. Slack, the HTTP API and the CLI only carry messages to it, so every front end
 * behaves the same. Understanding needs no LLM: titles (fuzzy, year-tolerant), likes and dislikes, categories,
 * eras, references to the last reply, critiques and reset are read by rules; the LLM, when configured, only
 * rewords replies (validated, with template fallback).
 */

export { type CategoryLexicon, type CategoryTerm, createCategoryLexicon } from './categories.ts'
/**
 * `createChat(deps)` → a ready ChatService. Throws `input.invalid` (bad ids), `not_found` (feedback on an unknown
 * item), `store.failed`; recommender and LLM failures become a polite reply. Evaluation passes
 * `{ [EVAL_TURN]: { k, remember } }` in `handleTurn`'s options (works through any forwarding wrapper).
 */
export { type ChatDeps, createChat, EVAL_TURN, type EvalTurnOptions, type ExplainFns, type TurnOptions } from './engine.ts'
/** Utterance sanitising and normalisation (pure). */
export { MAX_UTTERANCE_CHARS, normalizeText, sanitizeUtterance } from './text.ts'
/** The title index: fuzzy, year-tolerant lookups of catalogue titles (pure). */
export { createTitleIndex, type TitleIndex, type TitleMention, titleKey } from './title-index.ts'
/** Rule-based understanding of one message (pure). */
export { type ItemAction, type UnderstandContext, type Understanding, understand } from './understand.ts'
