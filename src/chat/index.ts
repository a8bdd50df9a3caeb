/**
 * The transport-free dialogue. Slack, the HTTP API and the CLI only carry messages to it, so every front end
 * behaves the same. Understanding needs no LLM: titles (fuzzy, year-tolerant), likes and dislikes, categories,
 * eras, references to the last reply, critiques and reset are read by rules; the LLM, when configured, only
 * rewords replies (validated, with template fallback).
 */

export { type CategoryLexicon, type CategoryTerm, createCategoryLexicon } from './categories.ts'
/** What a chat needs: catalogue, recommender, store, logger; optional LLM, explanation functions, domain profile. */
export type { ChatDeps, ExplainFns } from './context.ts'
/** `buildChatTables(items)`: what a chat derives from its items alone (title keys, facets), to build off-thread. */
export { buildChatTables, type ChatTables } from './context.ts'
/**
 * `createChat(deps)` → a ready ChatEngine: the ChatService of front ends, plus `evalTurn(input, options)`, the one
 * entry for evaluation options (k, remember, rankAlways, shown). Throws `input.invalid` (bad ids), `not_found`
 * (feedback on an unknown item), `store.failed`; recommender and LLM failures become a polite reply.
 */
export { type ChatEngine, createChat, type EvalChat, type EvalTurnOptions } from './engine.ts'
/** The session transition table: every change of a session, from turns and feedback, as a pure function. */
export { type SessionEvent, TRANSITIONS, transition } from './session.ts'
/** Utterance sanitising and normalisation (pure). */
export { MAX_UTTERANCE_CHARS, normalizeText, sanitizeUtterance } from './text.ts'
/** The title index: fuzzy, year-tolerant lookups of catalogue titles (pure). */
export { createTitleIndex, type TitleIndex, type TitleMention, type TitleTables, titleKey } from './title-index.ts'
/** Rule-based understanding of one message (pure). */
export { type ItemAction, type UnderstandContext, type Understanding, understand } from './understand.ts'
