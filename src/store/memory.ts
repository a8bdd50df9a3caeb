import { AppError } from '../core/index.ts'
import { parseSession } from './session-schema.ts'
import { isExpired, userHash } from './sql-store.ts'
import type { SessionState, Store, StoredInteraction, StoredProfile, StoreOptions } from './types.ts'

/**
 * A store that lives in memory only (tests, demos). Same behaviour as the SQL stores (the contract tests run
 * against all of them); nothing survives a restart. Expired sessions are never read and go at the next
 * `sweepExpiredSessions` (no timer: nothing outlives the process anyway).
 */
export async function createMemoryStore(options: StoreOptions = {}): Promise<Store> {
  const ttlMs = options.sessionTtlMs ?? 0
  const sessions = new Map<string, { json: string; updatedAt: number }>()
  const participants = new Map<string, Set<string>>()
  const prefs = new Map<string, Map<string, 'like' | 'dislike'>>()
  const forgotten = new Map<string, number>()
  const wiped = new Map<string, number>()
  let interactions: StoredInteraction[] = []
  let closed = false
  const open = () => {
    if (closed) throw new AppError('store.failed', 'The store is closed')
  }
  const forgottenAfter = (userId: string, at: number) => (forgotten.get(userHash(userId)) ?? -1) > at
  const dropConversation = (id: string) => {
    sessions.delete(id)
    participants.delete(id)
  }
  const wipeConversation = (id: string, now: number) => {
    dropConversation(id)
    wiped.set(id, now)
  }
  return {
    kind: 'memory',
    async getSession(conversationId) {
      open()
      const row = sessions.get(conversationId)
      if (!row || isExpired(row.updatedAt, ttlMs)) return undefined
      return parseSession(row.json, conversationId)
    },
    async saveSession(state) {
      open()
      if (forgottenAfter(state.userId, state.createdAt)) return
      if ((wiped.get(state.conversationId) ?? -1) > state.createdAt) return
      sessions.set(state.conversationId, { json: JSON.stringify(state), updatedAt: state.updatedAt })
      const who = participants.get(state.conversationId) ?? new Set<string>()
      participants.set(state.conversationId, who.add(state.userId))
    },
    async deleteSession(conversationId) {
      open()
      dropConversation(conversationId)
    },
    async getProfile(userId) {
      open()
      const profile: StoredProfile = { userId, likes: [], dislikes: [] }
      // Map keeps insertion order; setPreference re-inserts, so newest is last.
      for (const [itemId, kind] of [...(prefs.get(userId) ?? new Map()).entries()].reverse()) {
        ;(kind === 'like' ? profile.likes : profile.dislikes).push(itemId)
      }
      return profile
    },
    async setPreference(userId, itemId, kind, since = Date.now()) {
      open()
      if (forgottenAfter(userId, since)) return
      const map = prefs.get(userId) ?? new Map<string, 'like' | 'dislike'>()
      prefs.set(userId, map)
      map.delete(itemId)
      map.set(itemId, kind)
    },
    async removePreference(userId, itemId) {
      open()
      prefs.get(userId)?.delete(itemId)
    },
    async recordInteraction(interaction, since = Date.now()) {
      open()
      if (forgottenAfter(interaction.userId, since)) return
      interactions.push({ ...interaction })
    },
    async exportInteractions() {
      open()
      return interactions.map((i) => ({ ...i }))
    },
    async forgetUser(userId, now = Date.now()) {
      open()
      for (const [id, row] of sessions) if ((JSON.parse(row.json) as SessionState).userId === userId) wipeConversation(id, now)
      for (const [id, who] of participants) if (who.has(userId)) wipeConversation(id, now)
      for (const i of interactions) if (i.userId === userId && i.conversationId) wipeConversation(i.conversationId, now)
      prefs.delete(userId)
      interactions = interactions.filter((i) => i.userId !== userId)
      forgotten.set(userHash(userId), now)
    },
    async sweepExpiredSessions(now = Date.now()) {
      open()
      let n = 0
      for (const [id, row] of sessions) {
        if (isExpired(row.updatedAt, ttlMs, now)) {
          dropConversation(id)
          n++
        }
      }
      return n
    },
    async close() {
      closed = true
    },
  }
}
