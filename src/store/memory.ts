import { AppError } from '../core/index.ts'
import type { SessionState, Store, StoredInteraction, StoredProfile } from './types.ts'

/** A store that lives in memory only (tests, demos). Same behaviour as the SQLite store, nothing survives a restart. */
export async function createMemoryStore(): Promise<Store> {
  const sessions = new Map<string, string>()
  const prefs = new Map<string, Map<string, 'like' | 'dislike'>>()
  let interactions: StoredInteraction[] = []
  let closed = false
  const open = () => {
    if (closed) throw new AppError('store.failed', 'The store is closed')
  }
  return {
    kind: 'memory',
    async getSession(conversationId) {
      open()
      const json = sessions.get(conversationId)
      return json === undefined ? undefined : (JSON.parse(json) as SessionState)
    },
    async saveSession(state) {
      open()
      sessions.set(state.conversationId, JSON.stringify(state))
    },
    async deleteSession(conversationId) {
      open()
      sessions.delete(conversationId)
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
    async setPreference(userId, itemId, kind) {
      open()
      const map = prefs.get(userId) ?? new Map<string, 'like' | 'dislike'>()
      prefs.set(userId, map)
      map.delete(itemId)
      map.set(itemId, kind)
    },
    async removePreference(userId, itemId) {
      open()
      prefs.get(userId)?.delete(itemId)
    },
    async recordInteraction(interaction) {
      open()
      interactions.push({ ...interaction })
    },
    async exportInteractions() {
      open()
      return interactions.map((i) => ({ ...i }))
    },
    async forgetUser(userId) {
      open()
      for (const [id, json] of sessions) if ((JSON.parse(json) as SessionState).userId === userId) sessions.delete(id)
      prefs.delete(userId)
      interactions = interactions.filter((i) => i.userId !== userId)
    },
    async close() {
      closed = true
    },
  }
}
