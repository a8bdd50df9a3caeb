/**
 * Recommendations: candidates from the vector index (preference texts + liked items) and the collaborative model
 * (fold-in of liked + anchors + history) and a popularity prior; hard filters before ranking; a blend of
 * z-scored parts with configurable weights; MMR diversity. Every result carries its score parts and evidence.
 */
export { intraListSimilarity, mmrSelect, zScores } from './blend.ts'
export { descriptionPhrases } from './evidence.ts'
export { compileConstraints } from './filters.ts'
export { type FitGroup, type FitOptions, fitBlend, rankTargets } from './fit.ts'
export { BLENDED_PARTS, createRecommender, DEFAULT_WEIGHTS } from './recommender.ts'
export type {
  BlendWeights,
  Constraints,
  Evidence,
  Recommendation,
  Recommender,
  RecommenderDeps,
  RecommendRequest,
  ScoredCandidate,
  ScoreParts,
} from './types.ts'
