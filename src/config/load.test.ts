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
