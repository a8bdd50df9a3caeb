import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ChatFixture, createChatFixture } from '../../test/integration/chat-fixture.ts'
import { dataSources } from '../../test/support/data.ts'
import { splitMention } from '../catalog/index.ts'
import { runConversationEval } from './conversations.ts'

const tmp = mkdtempSync(join(tmpdir(), 'concierge-convo-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('splitMention', () => {
  it('splits ReDial names into title and year', () => {
    expect(splitMention('Cosmos  (2015)')).toEqual({ title: 'Cosmos', year: 2015 })
    expect(splitMention('The Post (2017)')).toEqual({ title: 'The Post', year: 2017 })
    expect(splitMention('Some Movie')).toEqual({ title: 'Some Movie' })
  })
})

describe('runConversationEval', () => {
  it('fails clearly on a missing or malformed file', async () => {
    const chat = { evalTurn: async () => ({ text: '', items: [], suggestions: [] }) }
    await expect(
      runConversationEval({ dialoguesFile: join(tmp, 'nope.jsonl'), runtime: { chat, items: [] } }),
    ).rejects.toMatchObject({
      code: 'data.not_found',
    })
    const bad = join(tmp, 'bad.jsonl')
    writeFileSync(bad, '{"messages": 3}\n')
    await expect(runConversationEval({ dialoguesFile: bad, runtime: { chat, items: [] } })).rejects.toMatchObject({
      code: 'input.invalid',
    })
  })
})

describe.each(dataSources())('runConversationEval on a catalogue subset ($name data)', ({ dir }) => {
  let fx: ChatFixture
  beforeAll(async () => {
    fx = await createChatFixture(dir)
  }, 300_000)
  afterAll(async () => fx?.close())

  it('replays turns, deduplicates targets and maps them by title and year', async () => {
    const seeker = 1
    const helper = 2
    const file = join(tmp, 'scripted.jsonl')
    const dialogue = {
      conversationId: 1,
      initiatorWorkerId: seeker,
      respondentWorkerId: helper,
      movieMentions: {
        '10': 'Toy Story (1995)',
        '11': 'Finding Nemo (2003)',
        '12': 'Monsters, Inc. (2001)',
        '13': 'A Film Nobody Made (2031)',
      },
      messages: [
        { senderWorkerId: seeker, text: 'Hi! I want an animated movie for the kids. I loved @10', timeOffset: 0, messageId: 1 },
        { senderWorkerId: seeker, text: 'nothing scary please', timeOffset: 1, messageId: 2 },
        { senderWorkerId: helper, text: 'Have you seen @11 or @13?', timeOffset: 2, messageId: 3 },
        { senderWorkerId: seeker, text: 'I have seen @11, it was great', timeOffset: 3, messageId: 4 },
        { senderWorkerId: helper, text: 'Then @12! And @11 again, and @10.', timeOffset: 4, messageId: 5 },
      ],
    }
    writeFileSync(file, `${JSON.stringify(dialogue)}\n`)
    const inner = await fx.chat()
    const suggested: unknown[] = []
    const chat: typeof inner = {
      ...inner,
      evalTurn: (input, options) => {
        suggested.push(options.shown)
        return inner.evalTurn(input, options)
      },
    }
    const result = await runConversationEval({ dialoguesFile: file, runtime: { chat, items: fx.items } })
    // The seeker saw what the recommender suggested before their turn: Finding Nemo (the unknown film maps nowhere).
    const nemo = fx.items.find((i) => i.title === 'Finding Nemo')!.id
    expect(suggested).toEqual([[], [nemo]])
    // Targets: @11 and @13 (turn 1), @12 (turn 2); @11 and @10 were mentioned before.
    expect(result).toMatchObject({ dialogues: 1, turns: 2, targets: 3, mappedTargets: 2, mapping: 'title+year' })
    expect(result.mappedTargetShare).toBeCloseTo(2 / 3)
    // Finding Nemo and Monsters, Inc. are among the ~60 animated films of the subset: both within the top 50.
    expect(result.recallAt50).toBe(1)
    expect(result.recallAt10).toBeGreaterThanOrEqual(result.recallAt1)
  })

  it('replays ReDial dialogues end to end', async () => {
    const chat = await fx.chat()
    const result = await runConversationEval({
      dialoguesFile: join(dir, 'redial', 'valid_data.jsonl'),
      runtime: { chat, items: fx.items },
      limit: 3,
      k: 10,
    })
    expect(result.dialogues).toBe(3)
    expect(result.turns).toBeGreaterThan(3)
    expect(result.targets).toBeGreaterThan(3)
    // The subset holds only ~360 popular movies, so far fewer map than on the full catalogue.
    expect(result.mappedTargets).toBeGreaterThan(0)
    expect(result.mappedTargets).toBeLessThan(result.targets)
    expect(result.recallAt50).toBeGreaterThanOrEqual(result.recallAt10)
  })
})
