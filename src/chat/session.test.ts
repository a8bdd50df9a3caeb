import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSqliteStore, emptySession } from '../store/index.ts'
import { FEEDBACK_ACTIONS, MAX_SHOWN, type SessionEvent, transition, transitionAll } from './session.ts'

const start = () => emptySession('c', 'u', 1000)

describe('the session transition table', () => {
  it('never changes the session it is given', () => {
    const before = transitionAll(start(), [
      { kind: 'turn' },
      { kind: 'item', id: 'a', action: 'like' },
      { kind: 'item', id: 'b', action: 'anchor' },
    ])
    const frozen = JSON.stringify(before)
    const events: SessionEvent[] = [
      { kind: 'item', id: 'a', action: 'dislike' },
      { kind: 'item', id: 'b', action: 'reject' },
      { kind: 'dropFilters' },
      { kind: 'changeDirection' },
      { kind: 'shown', ids: ['x', 'y'], keepFocus: false },
      { kind: 'reset', now: 2000 },
    ]
    for (const event of events) transition(before, event)
    expect(JSON.stringify(before)).toBe(frozen)
  })

  it('keeps the refusals and drops what was asked for on a change of direction', () => {
    const s = transitionAll(start(), [
      {
        kind: 'facets',
        facets: [
          { field: 'toolkit', exclude: ['gtk'] },
          { field: 'interface', include: ['graphical'] },
        ],
      },
      { kind: 'changeDirection' },
    ])
    expect(s.constraints.facets).toEqual([{ field: 'toolkit', exclude: ['gtk'] }])
    expect(s.constraints.includeCategories).toEqual([])
  })

  it('makes a dislike undo a like and drop the pull toward the item', () => {
    const s = transitionAll(start(), [
      { kind: 'item', id: 'a', action: 'like' },
      { kind: 'pull', id: 'b', weight: 1 },
      { kind: 'item', id: 'b', action: 'dislike' },
      { kind: 'item', id: 'a', action: 'dislike' },
    ])
    expect(s.liked).toEqual([])
    expect(s.disliked).toEqual(['b', 'a'])
    expect(s.anchors).toEqual([])
    expect(s.focus).toBe('a')
  })

  it('reads "not interested" as a rejection: never shown again, and no longer pulled toward', () => {
    const pulled = transition(start(), { kind: 'pull', id: 'a', weight: 1 })
    const s = transition(pulled, { kind: 'item', id: 'a', action: FEEDBACK_ACTIONS.not_interested })
    expect(s.rejected).toEqual(['a'])
    expect(s.anchors).toEqual([])
  })

  it('keeps the turn count and creation time over a reset, and nothing else', () => {
    const s = transitionAll(start(), [{ kind: 'turn' }, { kind: 'turn' }, { kind: 'item', id: 'a', action: 'like' }])
    const reset = transition(s, { kind: 'reset', now: 5000 })
    expect(reset).toMatchObject({ turn: 2, createdAt: 1000, liked: [], updatedAt: 5000 })
  })

  it('remembers at most MAX_SHOWN shown items, and what the last reply showed', () => {
    const many = Array.from({ length: MAX_SHOWN + 5 }, (_, i) => String(i))
    const s = transition(start(), { kind: 'shown', ids: many, keepFocus: false })
    expect(s.shown).toHaveLength(MAX_SHOWN)
    expect(s.shown[0]).toBe('5')
    expect(s.lastShown).toHaveLength(MAX_SHOWN + 5)
  })

  it('refreshes a wish said again instead of stacking it', () => {
    const wish = [{ text: 'heists', weight: 1 }]
    const s = transitionAll(start(), [
      { kind: 'preferences', preferences: wish },
      { kind: 'turn' },
      { kind: 'preferences', preferences: wish },
    ])
    expect(s.preferences).toEqual([{ text: 'heists', weight: 1, turn: 1 }])
  })

  it('keeps the request a critique-only message changes as fresh as the critique, and ages it otherwise', () => {
    const heists = { text: 'heists', weight: 1 }
    const funnier = { text: 'funny lighthearted feel-good comedy', weight: 1, said: 'funnier', lean: ['Comedy'] }
    const critiqued = transitionAll(start(), [
      { kind: 'preferences', preferences: [heists] },
      { kind: 'turn' },
      { kind: 'turn' },
      { kind: 'preferences', preferences: [funnier] },
    ])
    // Said at turn 0, kept by the critique at turn 2: it weighs as if said then (the turn it was said stays).
    expect(critiqued.preferences).toEqual([
      { text: 'heists', weight: 1, turn: 0, kept: 2 },
      { ...funnier, turn: 2 },
    ])
    // A new wish beside the critique starts another request: the old one keeps its turn and fades.
    const moved = transitionAll(start(), [
      { kind: 'preferences', preferences: [heists] },
      { kind: 'turn' },
      { kind: 'preferences', preferences: [funnier, { text: 'pirates', weight: 1 }] },
    ])
    expect(moved.preferences[0]).toEqual({ text: 'heists', weight: 1, turn: 0 })
  })

  it('keeps the request a message only narrows ("from the 80s", "not marvel") as fresh as that message', () => {
    const heists = { text: 'heists', weight: 1 }
    const narrowed = transitionAll(start(), [
      { kind: 'preferences', preferences: [heists] },
      { kind: 'turn' },
      { kind: 'preferences', preferences: [], refines: true },
    ])
    expect(narrowed.preferences).toEqual([{ text: 'heists', weight: 1, turn: 0, kept: 1 }])
    const refused = transitionAll(start(), [
      { kind: 'preferences', preferences: [heists] },
      { kind: 'turn' },
      { kind: 'preferences', preferences: [{ text: 'marvel', weight: -0.6 }], refines: true },
    ])
    expect(refused.preferences[0]).toEqual({ text: 'heists', weight: 1, turn: 0, kept: 1 })
  })
})

describe('the words said for a critique', () => {
  it('are kept with its wish through the store, and sessions stored without them still load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concierge-said-'))
    const store = await createSqliteStore({ path: join(dir, 'store.db') })
    const critique = { text: 'heartwarming feel-good', weight: 1, said: 'gentler' }
    await store.saveSession(transition(start(), { kind: 'preferences', preferences: [critique] }))
    expect((await store.getSession('c'))?.preferences).toEqual([{ ...critique, turn: 0 }])
    const older = { ...start(), conversationId: 'old', preferences: [{ text: 'heists', weight: 1, turn: 0 }] }
    await store.saveSession(older)
    expect((await store.getSession('old'))?.preferences).toEqual(older.preferences)
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })
})

describe('facet constraints in the session', () => {
  it('keep refusals from earlier turns, and let a value asked for lift its refusal', () => {
    let s = transition(start(), { kind: 'facets', facets: [{ field: 'toolkit', exclude: ['gtk'] }] })
    s = transition(s, { kind: 'facets', facets: [{ field: 'toolkit', exclude: ['qt'] }] })
    s = transition(s, { kind: 'facets', facets: [{ field: 'interface', include: ['graphical'] }] })
    expect(s.constraints.facets).toEqual([
      { field: 'toolkit', exclude: ['gtk', 'qt'] },
      { field: 'interface', include: ['graphical'] },
    ])
    s = transition(s, { kind: 'facets', facets: [{ field: 'toolkit', include: ['GTK'] }] })
    expect(s.constraints.facets?.[0]).toEqual({ field: 'toolkit', exclude: ['qt'], include: ['GTK'] })
  })

  it('replace a bound on the same field, and go with the other filters', () => {
    let s = transition(start(), { kind: 'facets', facets: [{ field: 'installed_size_kb', max: 1000 }] })
    s = transition(s, { kind: 'facets', facets: [{ field: 'installed_size_kb', max: 5000 }] })
    expect(s.constraints.facets).toEqual([{ field: 'installed_size_kb', max: 5000 }])
    expect(transition(s, { kind: 'dropFilters' }).constraints.facets).toBeUndefined()
  })
})

describe('facet constraints stored', () => {
  it('come back from the SQLite store as they were saved, so refusals survive a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concierge-facets-'))
    const store = await createSqliteStore({ path: join(dir, 'store.db') })
    const facets = [
      { field: 'toolkit', exclude: ['gtk', 'qt'] },
      { field: 'interface', include: ['graphical'] },
      { field: 'installed_size_kb', max: 102_400 },
    ]
    await store.saveSession(transition(start(), { kind: 'facets', facets }))
    expect((await store.getSession('c'))?.constraints.facets).toEqual(facets)
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })
})
