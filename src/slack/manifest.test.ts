import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { SLACK_APP_REQUIREMENTS } from './bot.ts'

const manifestPath = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'slack', 'manifest.yml')

/** The `- item` lines listed under `key:` in a YAML file (comments skipped). Enough for this manifest. */
function listUnder(yaml: string, key: string): string[] {
  const lines = yaml.split('\n')
  const start = lines.findIndex((line) => line.trim() === `${key}:`)
  if (start < 0) return []
  const indent = lines[start]!.length - lines[start]!.trimStart().length
  const out: string[] = []
  for (const line of lines.slice(start + 1)) {
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue
    if (line.length - line.trimStart().length <= indent && !trimmed.startsWith('- ')) break
    if (trimmed.startsWith('- ')) out.push(trimmed.slice(2).replace(/^command:\s*/, ''))
  }
  return out
}

describe('slack/manifest.yml', () => {
  const yaml = readFileSync(manifestPath, 'utf8')

  it('subscribes to the events and grants the scopes the bot needs, nothing more', () => {
    expect(listUnder(yaml, 'bot_events').sort()).toEqual([...SLACK_APP_REQUIREMENTS.botEvents].sort())
    expect(listUnder(yaml, 'bot').sort()).toEqual([...SLACK_APP_REQUIREMENTS.botScopes].sort())
  })

  it('declares the slash command and interactivity on the events endpoint', () => {
    expect(listUnder(yaml, 'slash_commands')).toEqual([SLACK_APP_REQUIREMENTS.command])
    expect(yaml).toMatch(/interactivity:\n\s+is_enabled: true\n\s+request_url: https:\/\/YOUR-HOST\/slack\/events/)
    expect(yaml).toMatch(/home_tab_enabled: true/)
    expect(yaml).not.toMatch(/\t/)
  })
})
