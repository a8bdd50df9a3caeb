import { describe, expect, it } from 'vitest'
import { createFakeChat } from '../../test/support/fake-chat.ts'
import { createVariantChat } from './variant-chat.ts'
import { assignVariant } from './variants.ts'

const VARIANTS = { a: { share: 0.5 }, b: { share: 0.5, blend: { popularity: 0.5 } } }

describe('createVariantChat', () => {
  it("answers each user from their variant's blend, made once per variant", async () => {
    const made: (Record<string, number> | undefined)[] = []
    const chat = await createVariantChat(VARIANTS, async (blend) => {
      made.push(blend)
      return createFakeChat({ label: blend ? 'with-popularity' : 'base' })
    })
    expect(made).toEqual([undefined, { popularity: 0.5 }])
    const users = Array.from({ length: 40 }, (_, i) => `user-${i}`)
    for (const userId of users) {
      const reply = await chat.handleTurn({ conversationId: `c-${userId}`, userId, text: 'a comedy' })
      const label = assignVariant(userId, VARIANTS) === 'b' ? 'with-popularity' : 'base'
      expect(reply.text).toContain(label)
    }
    expect(new Set(users.map((u) => assignVariant(u, VARIANTS)))).toEqual(new Set(['a', 'b']))
    await chat.close()
  })

  it('is the base chat itself when no variant overrides the blend', async () => {
    const base = createFakeChat()
    expect(await createVariantChat({ a: { share: 1 } }, async () => base)).toBe(base)
    expect(await createVariantChat(undefined, async () => base)).toBe(base)
  })
})
