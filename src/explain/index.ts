/** Evidence → explanation text. Pure and deterministic: every claim comes from a recommendation's evidence. */
export { type ComposedReply, composeReply, type ExplainContext, explainItem, type StatedWish } from './explain.ts'
