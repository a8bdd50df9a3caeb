import { AppError, type ItemId, type UserId } from '../core/index.ts'
import type { Store } from '../store/index.ts'

/** A person opened a recommended item (the widget's "Details", a shop's item page reached from a reply). */
export interface OpenedItem {
  conversationId: string
  userId: UserId
  itemId: ItemId
}

/** Records that an item was opened: an `open` interaction (training, like a view) and an outcome of its impression. */
export interface OpenRecorder {
  /** Throws `not_found` for an item the catalogue does not have (nothing is recorded then), `store.failed`. */
  record(opened: OpenedItem, hasItem: (id: ItemId) => boolean, now?: number): Promise<void>
}

export function createOpenRecorder(
  store: Pick<Store, 'recordInteraction'>,
  hooks: { onOpened?: (opened: OpenedItem, now: number) => void | Promise<void> } = {},
): OpenRecorder {
  return {
    async record(opened, hasItem, now = Date.now()) {
      if (!hasItem(opened.itemId)) {
        throw new AppError('not_found', `No item with id ${opened.itemId}.`, { details: { field: 'itemId' } })
      }
      const { userId, itemId, conversationId } = opened
      await store.recordInteraction({ userId, itemId, event: 'open', timestamp: Math.floor(now / 1000), conversationId })
      await hooks.onOpened?.(opened, now)
    },
  }
}
