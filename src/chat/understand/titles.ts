import type { PassEnv, PointedItem, Range, UtteranceState } from './state.ts'

/**
 * Titles, once control phrases, references, eras and names are consumed ("shorter" is not a typo of "Shooter").
 * "More like that" after a title or a pointed item means that one ("I loved Alien, more like that").
 */
export function readTitles(state: UtteranceState, { titles }: PassEnv): UtteranceState {
  const found = titles.find(state.text, { masked: state.masked })
  const pointed = state.pointed.map((r): PointedItem => {
    if (!r.demonstrative) return r
    const before =
      state.pointed.filter((o) => o.start < r.start && !o.fromPending && !o.demonstrative && !o.pronoun).at(-1)?.itemId ??
      found.filter((f) => f.end <= r.start && f.itemId !== undefined).at(-1)?.itemId
    return before !== undefined ? { ...r, itemId: before } : r
  })
  return {
    ...state,
    titles: found,
    pointed,
    masked: [...state.masked, ...found.map((m) => [m.start, m.end] as Range)],
  }
}
