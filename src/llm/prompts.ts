import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { AppError } from '../core/index.ts'

/** prompts/ at the project root (this file is src/llm/prompts.ts). */
export const DEFAULT_PROMPTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'prompts')

export const PROMPT_NAMES = ['extract-preferences', 'word-reply', 'propose-titles'] as const
export type PromptName = (typeof PROMPT_NAMES)[number]

/** Markers around data in a prompt. Data never contains them: see {@link fenceData}. */
export const FENCE_START = '<<<DATA'
export const FENCE_END = 'DATA>>>'

/** Reads every prompt template once; throws `config.invalid` naming the missing file. */
export function loadPrompts(dir: string = DEFAULT_PROMPTS_DIR): Record<PromptName, string> {
  const out = {} as Record<PromptName, string>
  for (const name of PROMPT_NAMES) {
    const path = join(dir, `${name}.md`)
    try {
      out[name] = readFileSync(path, 'utf8')
    } catch (error) {
      throw new AppError('config.invalid', `Prompt template ${path} is missing: restore prompts/ from the repository.`, {
        cause: error,
        details: { path },
      })
    }
  }
  return out
}

/**
 * Fills `{{name}}` placeholders. Every placeholder in the template must have a value and vice versa, so a
 * renamed placeholder fails loudly instead of sending a half-filled prompt. Values are inserted verbatim, once
 * (a value containing `{{x}}` is not expanded again).
 */
export function renderPrompt(template: string, values: Record<string, string>): string {
  const used = new Set<string>()
  const text = template.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => {
    const value = values[name]
    if (value === undefined) throw new AppError('internal', `Prompt placeholder {{${name}}} has no value.`, { details: { name } })
    used.add(name)
    return value
  })
  const unused = Object.keys(values).filter((k) => !used.has(k))
  if (unused.length)
    throw new AppError('internal', `Prompt values ${unused.join(', ')} have no placeholder.`, { details: { unused } })
  return text
}

/**
 * Data for a prompt: JSON with quotes and newlines escaped and `<` `>` written as \u003c \u003e (still valid JSON),
 * so nothing inside can close the fence or start a new line of instructions.
 */
export function fenceData(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e')
}
