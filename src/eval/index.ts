/** Offline evaluation: ranking metrics, the strong-generalisation protocol, side-by-side model runs, charts. */

export {
  type ConversationEvalOptions,
  type ConversationEvalResult,
  runConversationEval,
} from './conversations.ts'
/** Recall@K (normalised by min(K, |relevant|)), NDCG@K, HR@K, mean with 95% interval, top-K selection. */
export { hitRateAtK, type MeanInterval, meanInterval, ndcgAtK, recallAtK, topK } from './metrics.ts'
/** `runOfflineEval(catalog, options)`: fits every model on the same user split and scores held-out users. */
export {
  ALL_MODELS,
  CURVE_KS,
  type EvalProtocol,
  evaluateScorer,
  formatTargetChecks,
  type ModelResult,
  type OfflineEvalOptions,
  type OfflineEvalResult,
  type OfflineModelName,
  offlineTargetChecks,
  runOfflineEval,
  type TargetCheck,
  TRAIN_SECONDS_TARGET,
} from './offline.ts'
/** SVG line charts written by hand (axes, ticks, legend): `lineChartSvg`, `recallCurveSvg(result)`. */
export { lineChartSvg, recallCurveSvg, type Series } from './svg.ts'
