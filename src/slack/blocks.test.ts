import { describe, expect, it } from 'vitest'
import type { Reply, ReplyItem } from '../core/index.ts'
import { decodeItemValue, decodeSuggestValue, encodeSuggestValue, MAX_VALUE_CHARS } from './actions.ts'
import { type Block, escapeMrkdwn, LIMITS, MAX_ITEMS, markItemState, renderHome, renderReply } from './blocks.ts'
import { redactTokens } from './bolt-logger.ts'

function item(n: number, extra: Partial<ReplyItem> = {}): ReplyItem {
  return {
    id: String(n),
    title: `Movie ${n}`,
    year: 2000 + n,
    categories: ['Drama'],
    explanation: `Because ${n}.`,
    scoreParts: {},
    ...extra,
  }
}

/** Every text Slack limits, collected from a rendered message. */
function texts(blocks: Block[]): { kind: string; text: string }[] {
  const out: { kind: string; text: string }[] = []
  const visit = (node: unknown, kind: string) => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n, kind)
      return
    }
    if (!node || typeof node !== 'object') return
    const obj = node as Record<string, unknown>
    if ((obj.type === 'mrkdwn' || obj.type === 'plain_text') && typeof obj.text === 'string') out.push({ kind, text: obj.text })
    for (const [key, value] of Object.entries(obj)) {
      const next = obj.type === 'button' ? 'button' : obj.type === 'context' ? 'context' : key === 'value' ? 'value' : kind
      if (key === 'value' && typeof value === 'string') out.push({ kind: 'value', text: value })
      else visit(value, next)
    }
  }
  visit(blocks, 'section')
  return out
}

describe('renderReply', () => {
  it('keeps within Slack limits when the reply is huge', () => {
    const long = 'x'.repeat(10_000)
    const reply: Reply = {
      text: long,
      items: Array.from({ length: 40 }, (_, i) =>
        item(i, { title: `${long}${i}`, explanation: long, imageUrl: `https://e.x/${i}.jpg` }),
      ),
      suggestions: Array.from({ length: 12 }, (_, i) => `${long}${i}`),
    }
    const { text, blocks } = renderReply(reply, 'T1:D1', { echo: long })
    expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage)
    expect(blocks.filter((b) => b.block_id?.startsWith('concierge:item:'))).toHaveLength(MAX_ITEMS)
    expect(text.length).toBeLessThanOrEqual(LIMITS.fallbackText)
    for (const t of texts(blocks)) {
      const max = t.kind === 'button' ? LIMITS.buttonText : t.kind === 'value' ? MAX_VALUE_CHARS : LIMITS.sectionText
      expect(t.text.length, `${t.kind} text`).toBeLessThanOrEqual(max)
    }
    // Liking every item adds a state block per item: still within the limit.
    let marked: Block[] = blocks
    for (let i = 0; i < MAX_ITEMS; i++) marked = markItemState(marked, String(i), 'like') ?? marked
    expect(marked.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage)
    expect(marked.filter((b) => b.block_id?.startsWith('concierge:state:'))).toHaveLength(MAX_ITEMS)
  })

  it('escapes mrkdwn control characters and drops image URLs that are not http(s)', () => {
    const { blocks } = renderReply(
      { text: 'a < b & c > d', items: [item(1, { title: '<!channel> *x*', imageUrl: 'javascript:alert(1)' })], suggestions: [] },
      'c',
    )
    expect((blocks[0]!.text as { text: string }).text).toBe('a &lt; b &amp; c &gt; d')
    const section = blocks[1]!
    expect((section.text as { text: string }).text).toContain('&lt;!channel&gt;')
    expect(section.accessory).toBeUndefined()
    expect(escapeMrkdwn('<@U1>')).toBe('&lt;@U1&gt;')
  })

  it('escapes the notification text as the blocks, so a reply or title cannot ping the channel', () => {
    const { text } = renderReply(
      { text: 'Hey <!channel>, see <https://evil.example|this>', items: [item(1, { title: '<!here> & co' })], suggestions: [] },
      'c',
    )
    expect(text).not.toMatch(/[<>]/)
    expect(text).toContain('&lt;!channel&gt;')
    expect(text).toContain('&lt;!here&gt; &amp; co')
  })

  it('says something when there is nothing to show', () => {
    const { blocks } = renderReply({ text: '  ', items: [], suggestions: [] }, 'c')
    expect(blocks).toHaveLength(1)
    expect((blocks[0]!.text as { text: string }).text).not.toBe('')
  })
})

describe('markItemState', () => {
  const { blocks } = renderReply({ text: 'hi', items: [item(1), item(2)], suggestions: [] }, 'T1:D1')

  it('replaces the feedback buttons of the item with its state and keeps More like this', () => {
    const marked = markItemState(blocks, '2', 'dislike', 'U1')!
    const actions = marked.find((b) => b.block_id === 'concierge:item:1')!
    expect((actions.elements as { action_id: string }[]).map((e) => e.action_id)).toEqual(['concierge_more'])
    const index = marked.indexOf(actions)
    expect(marked[index + 1]).toEqual({
      type: 'context',
      block_id: 'concierge:state:1',
      elements: [{ type: 'mrkdwn', text: '👎 Disliked by <@U1>' }],
    })
    expect(marked.find((b) => b.block_id === 'concierge:item:0')).toEqual(blocks.find((b) => b.block_id === 'concierge:item:0'))
  })

  it('removes all buttons for Not interested and replaces an earlier state', () => {
    const liked = markItemState(blocks, '1', 'like')!
    const dismissed = markItemState(liked, '1', 'not_interested')!
    expect(dismissed.find((b) => b.block_id === 'concierge:item:0')).toBeUndefined()
    expect(dismissed.filter((b) => b.block_id === 'concierge:state:0')).toEqual([
      { type: 'context', block_id: 'concierge:state:0', elements: [{ type: 'mrkdwn', text: '🙈 Not interested' }] },
    ])
  })

  it('returns undefined for an item that is not in the message', () => {
    expect(markItemState(blocks, '99', 'like')).toBeUndefined()
  })
})

describe('renderHome', () => {
  it('lists likes and dislikes with remove buttons and stays under 100 blocks', () => {
    const many = Array.from({ length: 80 }, (_, i) => ({
      id: String(i),
      title: `Film ${i}`,
      description: '',
      tags: [],
      categories: [],
      metadata: {},
    }))
    const view = renderHome({ userId: 'T1:U1', likes: many, dislikes: many })
    expect(view.type).toBe('home')
    expect(view.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerHomeView)
    expect(JSON.stringify(view.blocks)).toContain('…and 40 more.')
  })
})

describe('button values', () => {
  it('round-trip and refuse what is not ours', () => {
    const long = 's'.repeat(5000)
    const encoded = encodeSuggestValue('T1:C1:1.2', long)
    expect(encoded.length).toBeLessThanOrEqual(MAX_VALUE_CHARS)
    expect(decodeSuggestValue(encoded)?.c).toBe('T1:C1:1.2')
    expect(decodeItemValue('{"c":"a","i":"b"}')).toEqual({ c: 'a', i: 'b' })
    expect(decodeItemValue('not json')).toBeUndefined()
    expect(decodeItemValue('{"c":"a"}')).toBeUndefined()
    expect(decodeItemValue(undefined)).toBeUndefined()
  })
})

describe('redactTokens', () => {
  it('hides Slack tokens of every kind', () => {
    const line = redactTokens('bot xoxb-123-456-abc user xoxp-1-2 app xapp-1-A1-2-ff fine')
    expect(line).toBe('bot [redacted] user [redacted] app [redacted] fine')
  })
})
