import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ENV_MAP } from '../../src/config/index.ts'
import { repoRoot } from '../support/data.ts'

/**
 * No Docker engine runs where these tests run, so the image is never built here: these check the Dockerfile and
 * compose.yaml for the properties the README promises, as text.
 */
const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8')
const compose = readFileSync(join(repoRoot, 'compose.yaml'), 'utf8')
const dockerignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n')

/** Instructions (continuation lines joined, comments dropped) grouped by stage name. */
function stages(text: string): Map<string, string[]> {
  const byStage = new Map<string, string[]>()
  let current: string[] = []
  const joined = text.replace(/\\\n\s*/g, ' ')
  for (const line of joined.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line)
    if (from) {
      current = [line]
      byStage.set(from[2] ?? from[1] ?? '', current)
    } else current.push(line)
  }
  return byStage
}

/** The top-level keys under `services:` (two-space indent). */
function services(text: string): string[] {
  const block = text.split(/^services:\n/m)[1]?.split(/^\S/m)[0] ?? ''
  return [...block.matchAll(/^ {2}([a-z][\w-]*):/gm)].map((m) => m[1] as string)
}

describe('Dockerfile', () => {
  const built = stages(dockerfile)

  it('builds the native modules in a full build stage and runs from a slim one', () => {
    expect([...built.keys()]).toEqual(['build', 'runtime'])
    expect(built.get('build')?.[0]).toMatch(/node:\$\{NODE_VERSION\}-bookworm AS build/)
    expect(built.get('build')?.join('\n')).toMatch(/npm ci --omit=dev/)
    expect(built.get('runtime')?.[0]).toMatch(/-slim AS runtime/)
    expect(built.get('runtime')?.join('\n')).toContain('COPY --from=build')
  })

  it('runs as a non-root user, checks /healthz and keeps state in a volume', () => {
    const runtime = built.get('runtime') ?? []
    const user = runtime.filter((l) => l.startsWith('USER '))
    expect(user).toEqual(['USER node'])
    expect(runtime.find((l) => l.startsWith('HEALTHCHECK'))).toContain('/healthz')
    expect(runtime.find((l) => l.startsWith('VOLUME'))).toContain('/var/lib/concierge')
    const envNames = [...runtime.join('\n').matchAll(/\b(CONCIERGE_[A-Z_]+)=/g)].map((m) => m[1] as string)
    for (const name of envNames) expect(Object.keys(ENV_MAP)).toContain(name)
  })

  it('copies what the server reads, and .dockerignore keeps local data and node_modules out of the context', () => {
    for (const folder of ['bin', 'src', 'prompts']) expect(dockerfile).toMatch(new RegExp(`COPY .*\\b${folder} \\./${folder}`))
    for (const entry of ['node_modules', '.git', 'data', 'indexes', 'models', '.env']) expect(dockerignore).toContain(entry)
  })
})

describe('compose.yaml', () => {
  it('runs Concierge with PostgreSQL 15 and Redis 7, and points it at both', () => {
    expect(services(compose)).toEqual(['concierge', 'postgres', 'redis'])
    expect(compose).toMatch(/image: postgres:15/)
    expect(compose).toMatch(/image: redis:7/)
    expect(compose).toMatch(/CONCIERGE_STORE_URL: postgres:\/\/\S+@postgres:5432\//)
    expect(compose).toMatch(/CONCIERGE_REDIS_URL: redis:\/\/redis:6379/)
    expect(compose.match(/condition: service_healthy/g)).toHaveLength(2)
  })
})
