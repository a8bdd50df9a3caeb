/**
 * Recommendations: candidates from the vector index (preference texts + liked items), the collaborative model
 * (fold-in of liked + anchors + history), the lexical index (a wish's rare words; BM25 over title, tags, companies
 * and description) and a popularity prior; hard filters before ranking; a blend of parts (one function each) whose
 * weights move with how specific the request is; MMR diversity. Every result carries its score parts and evidence.
 */
export { intraListSimilarity, mmrSelect, zScores } from './blend.ts'
export { descriptionPhrases } from './evidence.ts'
export type { FactMeanings } from './facts.ts'
export { compileConstraints, hasFilters } from './filters.ts'
export { type FitGroup, type FitOptions, fitBlend, rankTargets } from './fit.ts'
export { buildLexicalTables, type LexicalTables, type Postings, type SearchWords, tagKey } from './lexical.ts'
export { createRecommender } from './recommender.ts'
export { factNamesOf, type Thesaurus, thesaurusWords, wordNetThesaurus } from './thesaurus.ts'
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
export { BLENDED_PARTS, DEFAULT_WEIGHTS, SPECIFIC_WEIGHTS } from './weights.ts'
