/**
 * Optional LLM through an OpenAI-compatible `/v1/chat/completions` endpoint (OpenAI, Ollama, vLLM, llama.cpp
 * server). Prompts are templates in prompts/*.md; user text and item data are fenced as JSON data; every answer is
 * validated (zod, against the candidate set, and worded text against the evidence it was given: findUngrounded). On timeout, HTTP error or invalid output a call returns undefined
 * and logs a warning (never the API key): callers keep the template path.
 */
export { assistTurn, type TurnAssist, type TurnAssistOptions } from './assist.ts'
export {
  completionsUrl,
  createLlmClient,
  type ExtractedPreferences,
  type LlmCallOptions,
  type LlmClient,
  type LlmDeps,
  type WordedReply,
  type WordReplyInput,
  type WordReplyItem,
} from './client.ts'
export { findUngrounded, type GroundingIssue } from './grounding.ts'
export { type MergedReading, type MergeOptions, mergeReadings, type RuleReading } from './merge.ts'
export { DEFAULT_PROMPTS_DIR, FENCE_END, FENCE_START, fenceData, loadPrompts, renderPrompt } from './prompts.ts'
export { groundProposals, MAX_PROPOSALS, type ProposedTitle, proposalPart, type TitleLookup } from './propose.ts'
