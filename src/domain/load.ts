import { readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { z } from 'zod'
import { AppError } from '../core/index.ts'
import { fillTemplate, unknownPlaceholders, wordVariables } from './copy.ts'
import { type CopyKey, domainProfileSchema, type ReplyCopy } from './schema.ts'

/** domains/ at the project root (this file is src/domain/load.ts). */
export const DEFAULT_DOMAINS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'domains')

/** The profile every other one falls back on for reply copy it does not set. */
export const GENERIC_DOMAIN = 'generic'

type ParsedProfile = z.infer<typeof domainProfileSchema>

/** A validated domain profile, its reply copy complete, with the file it came from. */
export interface DomainProfile extends Omit<ParsedProfile, 'copy'> {
  copy: ReplyCopy
  /** Absolute path of the JSON file. */
  file: string
  /**
   * A reply template of this domain with its noun and verb forms and the given values filled in:
   * `say('unknownPeople', { names: 'Tom Hanks' })`.
   */
  say(
    key: Exclude<CopyKey, 'startSuggestions' | 'whichOneSuggestions' | 'describeSuggestions'>,
    values?: Record<string, string>,
  ): string
  /** A list of suggestions of this domain, filled in like `say`. */
  suggestions(key: 'startSuggestions' | 'whichOneSuggestions' | 'describeSuggestions'): string[]
}

function invalid(file: string, issues: string[]): never {
  throw new AppError('config.invalid', `Domain profile ${file} is invalid:\n  ${issues.join('\n  ')}`, {
    details: { file, issues },
  })
}

/** Reads and validates one profile file; its copy is not yet completed. Throws `config.invalid` naming file and field. */
function parseProfileFile(file: string): ParsedProfile {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    invalid(file, [`not readable JSON: ${(error as Error).message}`])
  }
  const parsed = domainProfileSchema.safeParse(raw)
  if (!parsed.success) {
    invalid(
      file,
      parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(top level)'}: ${i.message}`),
    )
  }
  const problems: string[] = []
  for (const [key, value] of Object.entries(parsed.data.copy) as [CopyKey, string | string[]][]) {
    const templates = Array.isArray(value) ? value : [value]
    for (const name of templates.flatMap((t) => unknownPlaceholders(t, key)))
      problems.push(`copy.${key}: unknown placeholder {${name}}`)
  }
  if (problems.length) invalid(file, problems)
  const expected = `${parsed.data.id}.${parsed.data.language}.json`
  if (basename(file) !== expected) invalid(file, [`id: the file of profile "${parsed.data.id}" must be named ${expected}`])
  return parsed.data
}

function completeProfile(parsed: ParsedProfile, file: string, fallback: Partial<ReplyCopy>): DomainProfile {
  const copy = { ...fallback, ...parsed.copy }
  const missing = (Object.keys(domainProfileSchema.shape.copy.unwrap().shape) as CopyKey[]).filter((k) => !copy[k])
  if (missing.length)
    invalid(
      file,
      missing.map((k) => `copy.${k}: missing (and not set in ${GENERIC_DOMAIN}.en.json)`),
    )
  const full = copy as ReplyCopy
  const words = wordVariables(parsed.noun, parsed.verb)
  return {
    ...parsed,
    copy: full,
    file,
    say: (key, values = {}) => fillTemplate(full[key], { ...words, ...values }),
    suggestions: (key) => full[key].map((t) => fillTemplate(t, words)),
  }
}

/**
 * Every profile in a folder (`<id>.<language>.json`), validated, reply copy completed from the generic profile.
 * Throws `config.invalid` naming the file and field of the first invalid profile, or when the generic one is missing.
 */
export function loadDomainProfiles(dir: string = DEFAULT_DOMAINS_DIR): DomainProfile[] {
  let names: string[]
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'))
  } catch (error) {
    throw new AppError('config.invalid', `Domain profiles folder ${dir} is missing: restore domains/ from the repository.`, {
      details: { dir },
      cause: error,
    })
  }
  const parsed = names.sort().map((n) => ({ file: join(dir, n), profile: parseProfileFile(join(dir, n)) }))
  const generic = parsed.find((p) => p.profile.id === GENERIC_DOMAIN)
  if (!generic) {
    throw new AppError('config.invalid', `No ${GENERIC_DOMAIN}.en.json in ${dir}: restore domains/ from the repository.`, {
      details: { dir },
    })
  }
  return parsed.map((p) => completeProfile(p.profile, p.file, generic.profile.copy))
}

/** One profile by id from a folder of profiles (all are validated). Throws `config.invalid` when it is not there. */
export function loadDomainProfile(id: string, dir: string = DEFAULT_DOMAINS_DIR): DomainProfile {
  const profiles = loadDomainProfiles(dir)
  const found = profiles.find((p) => p.id === id)
  if (found) return found
  throw new AppError(
    'config.invalid',
    `No domain profile "${id}" in ${dir}; there are ${profiles.map((p) => p.id).join(', ')}.`,
    {
      details: { domain: id, dir },
    },
  )
}
