/**
 * Domain profiles: the words of a kind of catalogue (item nouns, verbs of consumption, era and length words,
 * category synonyms, series rules, moods that refuse categories, reply copy), read from `domains/<id>.<lang>.json`
 * and validated by zod at start-up. A new domain is one JSON file; nothing in code names "movie" or "watch".
 */

/** `chooseDomainProfile(profiles, { dataset, items }, choice?)`: by name (`CONCIERGE_DOMAIN`), else detected, else generic. Throws `config.invalid` for an unknown name. */
export { type CatalogueShape, chooseDomainProfile, ruleMatches } from './detect.ts'
/** `loadDomainProfiles(dir?)`: every profile of `domains/`, validated; `loadDomainProfile(id)`: one of them. Throw `config.invalid` naming the file and field. */
export { DEFAULT_DOMAINS_DIR, type DomainProfile, GENERIC_DOMAIN, loadDomainProfile, loadDomainProfiles } from './load.ts'
/** The zod schemas and types of a profile file. */
export {
  type CategoryConcept,
  type CopyKey,
  type Critique,
  type DetectRule,
  type DomainProfileInput,
  domainProfileSchema,
  type Era,
  type FacetWords,
  type ImpliedRefusal,
  type LengthRule,
  type Noun,
  type ReplyCopy,
  type SeriesRule,
  type Tone,
  type Verb,
} from './schema.ts'
