import { describe, expect, it } from 'vitest'
import { completionBody } from '../../test/support/llm-endpoint.ts'
import { configSchema } from '../config/index.ts'
import { createLogger } from '../core/index.ts'
import { assistTurn } from './assist.ts'
import { createLlmClient, type LlmClient } from './index.ts'

const lookup = (title: string, year?: number) => (title === 'Pawn Sacrifice' && year === 2014 ? ['2'] : [])

/** A client whose endpoint answers each task after `delays[task]` ms, honouring the abort signal. */
function clientAnswering(delays: { extract: number; propose: number }): {
  client: LlmClient
  asked: string[]
  overlap: { now: number; max: number }
} {
  const asked: string[] = []
  const overlap = { now: 0, max: 0 }
  const fakeFetch = (async (_url: string, init: RequestInit) => {
    const prompt = (JSON.parse(String(init.body)) as { messages: { content: string }[] }).messages.at(-1)!.content
    const task = prompt.includes('extract what they want') ? 'extract' : 'propose'
    asked.push(task)
    overlap.max = Math.max(overlap.max, ++overlap.now)
    const content =
      task === 'extract'
        ? JSON.stringify({
            likes: [],
            dislikes: [],
            includeCategories: ['Drama'],
            excludeCategories: [],
            era: null,
            mood: ['chess'],
          })
        : JSON.stringify({
            titles: [
              { title: 'Pawn Sacrifice', year: 2014 },
              { title: 'Invented', year: 2001 },
            ],
          })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, delays[task])
      init.signal?.addEventListener('abort', () => {
        clearTimeout(timer)
        reject(init.signal?.reason)
      })
    }).finally(() => overlap.now--)
    return new Response(completionBody(content), { status: 200, headers: { 'content-type': 'application/json' } })
  }) as typeof fetch
  const config = configSchema.shape.llm.parse({ baseUrl: 'http://llm.test/v1', model: 'm', timeoutMs: 5000 })
  const client = createLlmClient(config, { logger: createLogger({ level: 'silent' }), fetch: fakeFetch }) as LlmClient
  return { client, asked, overlap }
}

describe('assistTurn', () => {
  it('returns the reading and the grounded proposals, asked side by side', async () => {
    const { client, asked, overlap } = clientAnswering({ extract: 100, propose: 100 })
    const assist = await assistTurn(client, 'a movie about chess', { categories: ['Drama'], lookup, timeoutMs: 2000 })
    expect(overlap.max).toBe(2)
    expect(asked.sort()).toEqual(['extract', 'propose'])
    expect(assist).toEqual({
      extracted: { likes: [], dislikes: [], includeCategories: ['Drama'], excludeCategories: [], era: null, mood: ['chess'] },
      proposals: [{ id: '2', rank: 0 }],
    })
  })

  it('keeps what answered within the budget and drops the rest', async () => {
    const { client } = clientAnswering({ extract: 20, propose: 2000 })
    const started = Date.now()
    const assist = await assistTurn(client, 'a movie about chess', { lookup, timeoutMs: 200 })
    expect(Date.now() - started).toBeLessThan(1000)
    expect(assist.extracted?.mood).toEqual(['chess'])
    expect(assist.proposals).toEqual([])
  })

  it('asks for no titles when told not to, and for nothing without an LLM', async () => {
    const { client, asked } = clientAnswering({ extract: 0, propose: 0 })
    await assistTurn(client, 'the second one', { lookup, propose: false, timeoutMs: 500 })
    expect(asked).toEqual(['extract'])
    expect(await assistTurn(undefined, 'anything', { lookup, timeoutMs: 500 })).toEqual({ proposals: [] })
  })
})
