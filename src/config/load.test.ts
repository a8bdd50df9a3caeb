import { describe, expect, it } from 'vitest'
import { loadConfig } from './load.ts'

describe('loadConfig', () => {
  it('reads CONCIERGE_REDIS_URL, and names it without echoing a password when it is not a redis:// URL', () => {
    expect(loadConfig({}).redis).toEqual({ prefix: 'concierge:' })
    expect(loadConfig({ CONCIERGE_REDIS_URL: 'redis://127.0.0.1:6379' }).redis.url).toBe('redis://127.0.0.1:6379')
    expect(() => loadConfig({ CONCIERGE_REDIS_URL: 'http://:s3cret@host' })).toThrow(/CONCIERGE_REDIS_URL/)
    expect(() => loadConfig({ CONCIERGE_REDIS_URL: 'http://:s3cret@host' })).not.toThrow(/s3cret/)
  })

  it('reads blend weight overrides from CONCIERGE_BLEND as JSON, and defaults to none', () => {
    expect(loadConfig({}).blend).toEqual({})
    const config = loadConfig({ CONCIERGE_BLEND: '{"semantic": 0.7, "candidates": 300}' })
    expect(config.blend).toEqual({ semantic: 0.7, candidates: 300 })
    expect(loadConfig({}, { overrides: { blend: { popularity: 2 } } }).blend).toEqual({ popularity: 2 })
  })

  it("reads CONCIERGE_LLM_ASSIST_TIMEOUT_MS as the LLM's per-turn budget, and refuses one under 100 ms", () => {
    expect(loadConfig({}).llm.assistTimeoutMs).toBeUndefined()
    expect(loadConfig({ CONCIERGE_LLM_ASSIST_TIMEOUT_MS: '800' }).llm.assistTimeoutMs).toBe(800)
    expect(() => loadConfig({ CONCIERGE_LLM_ASSIST_TIMEOUT_MS: '5' })).toThrow(/CONCIERGE_LLM_ASSIST_TIMEOUT_MS/)
  })

  it('reads CONCIERGE_LIVE_EMBED_WARM as whether the bulk workers start with the server, off by default', () => {
    expect(loadConfig({}).embed.liveWarm).toBe(false)
    expect(loadConfig({ CONCIERGE_LIVE_EMBED_WARM: '1' }).embed.liveWarm).toBe(true)
    expect(loadConfig({ CONCIERGE_LIVE_EMBED_WARM: 'off' }).embed.liveWarm).toBe(false)
    expect(() => loadConfig({ CONCIERGE_LIVE_EMBED_WARM: 'sometimes' })).toThrow(/CONCIERGE_LIVE_EMBED_WARM/)
  })

  it('reads CONCIERGE_TRUST_PROXY as a number of proxy hops, true meaning one, and refuses other text', () => {
    expect(loadConfig({}).server.trustProxy).toBe(0)
    expect(loadConfig({ CONCIERGE_TRUST_PROXY: '2' }).server.trustProxy).toBe(2)
    expect(loadConfig({ CONCIERGE_TRUST_PROXY: 'true' }).server.trustProxy).toBe(1)
    expect(loadConfig({ CONCIERGE_TRUST_PROXY: 'off' }).server.trustProxy).toBe(0)
    expect(() => loadConfig({ CONCIERGE_TRUST_PROXY: 'all' })).toThrow(/CONCIERGE_TRUST_PROXY/)
  })

  it('names CONCIERGE_BLEND and what it expects when the text is not a JSON object of numbers', () => {
    for (const bad of ['{semantic: 0.7}', '{"semantic": "high"}', '[1, 2]']) {
      let caught: unknown
      try {
        loadConfig({ CONCIERGE_BLEND: bad })
      } catch (error) {
        caught = error
      }
      expect(caught).toMatchObject({ code: 'config.invalid' })
      expect((caught as Error).message).toContain('CONCIERGE_BLEND')
    }
    expect(() => loadConfig({ CONCIERGE_BLEND: '{semantic: 0.7}' })).toThrow(/expected a JSON object/)
  })

  it('resolves each file of a comma-separated CONCIERGE_DIALOGUES against the working folder, and keeps auto and none', () => {
    const config = loadConfig({ CONCIERGE_DIALOGUES: 'logs/a.jsonl, /data/b.tsv' }, { cwd: '/srv/app' })
    expect(config.dialogues).toBe('/srv/app/logs/a.jsonl,/data/b.tsv')
    expect(loadConfig({}).dialogues).toBe('auto')
    expect(loadConfig({ CONCIERGE_DIALOGUES: 'none' }).dialogues).toBe('none')
    expect(loadConfig({ CONCIERGE_DIALOGUES: 'auto,b.tsv' }, { cwd: '/srv/app' }).dialogues).toBe('auto,/srv/app/b.tsv')
  })
})

describe('loadConfig: the store', () => {
  it('reads CONCIERGE_SESSION_TTL as a duration, 30 days by default, off to keep sessions', () => {
    expect(loadConfig({}).store.sessionTtlMs).toBe(30 * 86_400_000)
    expect(loadConfig({ CONCIERGE_SESSION_TTL: '12h' }).store.sessionTtlMs).toBe(12 * 3_600_000)
    expect(loadConfig({ CONCIERGE_SESSION_TTL: '90s' }).store.sessionTtlMs).toBe(90_000)
    expect(loadConfig({ CONCIERGE_SESSION_TTL: 'off' }).store.sessionTtlMs).toBe(0)
    expect(() => loadConfig({ CONCIERGE_SESSION_TTL: 'a month' })).toThrow(/CONCIERGE_SESSION_TTL/)
  })

  it('takes a postgres:// CONCIERGE_STORE_URL, and never shows it in an error', () => {
    const url = 'postgres://app:s3cret@db:5432/concierge'
    expect(loadConfig({ CONCIERGE_STORE_URL: url }).store.url).toBe(url)
    expect(loadConfig({}).store.url).toBeUndefined()
    let message = ''
    try {
      loadConfig({ CONCIERGE_STORE_URL: 'mysql://app:s3cret@db/concierge' })
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toMatch(/CONCIERGE_STORE_URL: expected a postgres:\/\/ URL/)
    expect(message).not.toContain('s3cret')
  })
})

describe('loadConfig: A/B variants', () => {
  const issuesOf = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env)
    } catch (error) {
      expect(error).toMatchObject({ code: 'config.invalid' })
      return (error as { details: { issues: string[] } }).details.issues
    }
    throw new Error('expected config.invalid')
  }

  it('reads per-variant candidate sources and the LLM switch beside the share and blend', () => {
    const variants = loadConfig({
      CONCIERGE_VARIANTS: '{"a": {"share": 0.5}, "b": {"share": 0.5, "llm": false, "sources": {"lexical": false}}}',
    }).loop.variants
    expect(variants).toEqual({ a: { share: 0.5 }, b: { share: 0.5, llm: false, sources: { lexical: false } } })
  })

  it('names the variant and the key of an unknown candidate source, a non-boolean switch or an unknown override', () => {
    const base = (b: string) => ({ CONCIERGE_VARIANTS: `{"a": {"share": 0.5}, "b": {"share": 0.5, ${b}}}` })
    expect(issuesOf(base('"sources": {"lexcal": false}')).join('\n')).toMatch(
      /^CONCIERGE_VARIANTS: b\.sources: unknown candidate source "lexcal": expected semantic, collaborative, /,
    )
    expect(issuesOf(base('"sources": {"semantic": "no"}')).join('\n')).toMatch(/^CONCIERGE_VARIANTS: b\.sources\.semantic: /)
    expect(issuesOf(base('"llm": "off"')).join('\n')).toMatch(/^CONCIERGE_VARIANTS: b\.llm: /)
    expect(issuesOf(base('"blnd": {"popularity": 1}')).join('\n')).toMatch(/^CONCIERGE_VARIANTS: b: .*"blnd"/)
  })

  it('refuses a variant that turns the LLM on when none is configured', () => {
    const env = { CONCIERGE_VARIANTS: '{"a": {"share": 0.5}, "b": {"share": 0.5, "llm": true}}' }
    expect(issuesOf(env)).toEqual(['CONCIERGE_VARIANTS: b.llm: true needs CONCIERGE_LLM_BASE_URL'])
    const withLlm = { ...env, CONCIERGE_LLM_BASE_URL: 'http://127.0.0.1:9/v1', CONCIERGE_LLM_MODEL: 'm' }
    expect(loadConfig(withLlm).loop.variants?.b).toEqual({ share: 0.5, llm: true })
  })
})
