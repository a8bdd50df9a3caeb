import type { ChatService } from '../core/index.ts'
import { assignVariant, type VariantConfig, type VariantOverrides } from './variants.ts'

/**
 * One chat service per distinct set of overrides among the configured variants (`make(overrides)`: the variant's
 * blend, candidate sources and LLM switch; variants without any share the base one, made with `undefined`, and
 * variants with the same overrides share one), routing each turn and feedback to the user's variant. Profiles and
 * forgets go through the store all of them share. `close()` closes each once.
 */
export async function createVariantChat<C extends ChatService>(
  variants: Readonly<Record<string, VariantConfig>> | undefined,
  make: (overrides: VariantOverrides | undefined) => Promise<C>,
): Promise<C> {
  const overridden = Object.entries(variants ?? {}).flatMap(([name, v]) => {
    const overrides = overridesOf(v)
    return overrides ? [{ name, overrides }] : []
  })
  const base = await make(undefined)
  if (overridden.length === 0) return base
  const byOverrides = new Map<string, C>()
  const byVariant = new Map<string, C>()
  try {
    for (const { name, overrides } of overridden) {
      const key = JSON.stringify(overrides)
      let chat = byOverrides.get(key)
      if (!chat) {
        chat = await make(overrides)
        byOverrides.set(key, chat)
      }
      byVariant.set(name, chat)
    }
  } catch (error) {
    await Promise.allSettled([base, ...byOverrides.values()].map((c) => c.close()))
    throw error
  }
  const all = [base, ...byOverrides.values()]
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

/** A variant's overrides with empty ones left out (in a fixed key order), or undefined when it overrides nothing. */
function overridesOf(variant: VariantConfig): VariantOverrides | undefined {
  const overrides: VariantOverrides = {}
  if (variant.blend && Object.keys(variant.blend).length > 0) overrides.blend = variant.blend
  if (variant.sources && Object.keys(variant.sources).length > 0) overrides.sources = variant.sources
  // `llm: true` is what the server does anyway (the config refuses it without an LLM), so it shares the base chat.
  if (variant.llm === false) overrides.llm = false
  return Object.keys(overrides).length > 0 ? overrides : undefined
}
