import { describe, expect, it } from 'vitest'
import { type ChatService, createLogger, type Reply } from '../core/index.ts'
import { withTurnLocks } from './locked-chat.ts'
import { createMemoryState } from './memory.ts'

/** A chat that records which turns overlap: what two replicas' chats (each serialising only its own) would do. */
function overlapRecordingChat(log: string[]): ChatService {
  return {
    async handleTurn(input) {
      log.push(`start ${input.text}`)
      await new Promise((r) => setTimeout(r, 20))
      log.push(`end ${input.text}`)
      return { text: input.text, items: [], suggestions: [] } as unknown as Reply
    },
    async feedback(input) {
      log.push(`feedback ${input.itemId}`)
    },
  } as ChatService
}

describe('withTurnLocks', () => {
  const logger = createLogger({ level: 'error' })

  it('serialises two turns of one conversation sent to two replicas, and lets other conversations run alongside', async () => {
    const state = createMemoryState({ dedupeTtlMs: 1000 })
    const log: string[] = []
    const replicaA = withTurnLocks(() => overlapRecordingChat(log), state.turnLocks, logger)
    const replicaB = withTurnLocks(() => overlapRecordingChat(log), state.turnLocks, logger)
    const turn = (chat: ChatService, conversationId: string, text: string) =>
      chat.handleTurn({ conversationId, userId: 'u', text })
    await Promise.all([turn(replicaA, 'c1', 'a1'), turn(replicaB, 'c1', 'b1')])
    expect(log[1]).toMatch(/^end /)
    log.length = 0
    await Promise.all([turn(replicaA, 'c1', 'a2'), turn(replicaB, 'c2', 'b2')])
    expect(log.slice(0, 2).every((entry) => entry.startsWith('start'))).toBe(true)
  })

  it('holds feedback sent to another replica until the running turn of its conversation has saved', async () => {
    const state = createMemoryState({ dedupeTtlMs: 1000 })
    const log: string[] = []
    const replicaA = withTurnLocks(() => overlapRecordingChat(log), state.turnLocks, logger)
    const replicaB = withTurnLocks(() => overlapRecordingChat(log), state.turnLocks, logger)
    const turn = replicaA.handleTurn({ conversationId: 'c', userId: 'u', text: 't1' })
    await new Promise((r) => setTimeout(r, 5))
    await replicaB.feedback({ conversationId: 'c', userId: 'u', itemId: 'i1', kind: 'like' })
    await turn
    expect(log).toEqual(['start t1', 'end t1', 'feedback i1'])
  })

  it('frees the lock when a turn fails, so the next turn runs', async () => {
    const state = createMemoryState({ dedupeTtlMs: 1000 })
    const failing = { handleTurn: () => Promise.reject(new Error('model gone')) } as unknown as ChatService
    const chat = withTurnLocks(() => failing, state.turnLocks, logger, { leaseMs: 60_000, waitMs: 50 })
    await expect(chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'x' })).rejects.toThrow('model gone')
    await expect(chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'x' })).rejects.toThrow('model gone')
  })
})
