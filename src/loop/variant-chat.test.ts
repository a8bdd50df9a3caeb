import { describe, expect, it } from 'vitest'
import { createFakeChat } from '../../test/support/fake-chat.ts'
import { createVariantChat } from './variant-chat.ts'
import { assignVariant, type VariantOverrides } from './variants.ts'

const VARIANTS = { a: { share: 0.5 }, b: { share: 0.5, blend: { popularity: 0.5 } } }

describe('createVariantChat', () => {
  it("answers each user from their variant's blend, made once per variant", async () => {
    const made: (VariantOverrides | undefined)[] = []
    const chat = await createVariantChat(VARIANTS, async (overrides) => {
      made.push(overrides)
      return createFakeChat({ label: overrides ? 'with-popularity' : 'base' })
    })
    expect(made).toEqual([undefined, { blend: { popularity: 0.5 } }])
    const users = Array.from({ length: 40 }, (_, i) => `user-${i}`)
    for (const userId of users) {
      const reply = await chat.handleTurn({ conversationId: `c-${userId}`, userId, text: 'a comedy' })
      const label = assignVariant(userId, VARIANTS) === 'b' ? 'with-popularity' : 'base'
      expect(reply.text).toContain(label)
    }
    expect(new Set(users.map((u) => assignVariant(u, VARIANTS)))).toEqual(new Set(['a', 'b']))
    await chat.close()
  })

  it('makes one chat per distinct overrides (LLM off, candidate sources), shared by variants with the same ones', async () => {
    const variants = {
      a: { share: 0.25 },
      b: { share: 0.25, llm: false },
      c: { share: 0.25, llm: false },
      d: { share: 0.25, sources: { lexical: false, collaborative: false }, llm: true },
    }
    const made: (VariantOverrides | undefined)[] = []
    const chat = await createVariantChat(variants, async (overrides) => {
      made.push(overrides)
      return createFakeChat({ label: JSON.stringify(overrides ?? 'base') })
    })
    // `llm: true` is the server's own setting: only the sources make d differ from the base.
    expect(made).toEqual([undefined, { llm: false }, { sources: { lexical: false, collaborative: false } }])
    for (let i = 0; i < 40; i++) {
      const userId = `user-${i}`
      const reply = await chat.handleTurn({ conversationId: `c-${userId}`, userId, text: 'a comedy' })
      const variant = assignVariant(userId, variants)
      const expected = { a: 'base', b: { llm: false }, c: { llm: false }, d: made[2] }[variant]
      expect(reply.text).toContain(JSON.stringify(expected))
    }
    await chat.close()
  })

  it('is the base chat itself when no variant overrides the blend', async () => {
    const base = createFakeChat()
    expect(await createVariantChat({ a: { share: 1 } }, async () => base)).toBe(base)
    expect(await createVariantChat(undefined, async () => base)).toBe(base)
  })
})
