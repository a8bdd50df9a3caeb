/** Evidence → explanation text. Pure and deterministic: every claim comes from a recommendation's evidence. */
export {
  answersWish,
  type ComposedReply,
  composeReply,
  type ExplainContext,
  explainItem,
  quoteOf,
  type StatedWish,
} from './explain.ts'
