import type { ChatService } from '../core/index.ts'
import { assignVariant, type VariantConfig } from './variants.ts'

/**
 * One chat service per distinct blend of the configured variants (`make(blend)`, the variant's overrides; variants
 * without any share the base one, made with `undefined`), routing each turn and feedback to the user's variant.
 * Profiles and forgets go through the store all of them share. `close()` closes each once.
 */
export async function createVariantChat<C extends ChatService>(
  variants: Readonly<Record<string, VariantConfig>> | undefined,
  make: (blend: Record<string, number> | undefined) => Promise<C>,
): Promise<C> {
  const withBlend = Object.entries(variants ?? {}).filter(([, v]) => v.blend && Object.keys(v.blend).length > 0)
  const base = await make(undefined)
  if (withBlend.length === 0) return base
  const byVariant = new Map<string, C>()
  try {
    for (const [name, v] of withBlend) byVariant.set(name, await make(v.blend))
  } catch (error) {
    await Promise.allSettled([base, ...byVariant.values()].map((c) => c.close()))
    throw error
  }
  const all = [base, ...byVariant.values()]
  const chatFor = (userId: string) => byVariant.get(assignVariant(userId, variants)) ?? base
  // Anything else the base chat offers (e.g. evaluation turns) stays the base's.
  return {
    ...base,
    handleTurn: (input, options) => chatFor(input.userId).handleTurn(input, options),
    feedback: (input) => chatFor(input.userId).feedback(input),
    getItem: (id) => base.getItem(id),
    getProfile: (userId) => base.getProfile(userId),
    removePreference: (userId, itemId) => base.removePreference(userId, itemId),
    forgetUser: async (userId) => {
      for (const chat of all) await chat.forgetUser(userId)
    },
    close: async () => {
      await Promise.all(all.map((c) => c.close()))
    },
  }
}
