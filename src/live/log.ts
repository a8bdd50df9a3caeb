import { open, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError, type Item, type ItemId } from '../core/index.ts'

/** The live catalogue changes beside the builds: one JSON line per change, replayed in order on load and at rebuild. */
export const LIVE_ITEMS_FILE = 'live-items.jsonl'

export type LiveChange = { op: 'upsert'; item: Item } | { op: 'delete'; id: ItemId }

/** What the changes add up to: the newest version of each upserted item, and the ids deleted since. */
export interface LiveState {
  upserts: Map<ItemId, Item>
  deleted: Set<ItemId>
}

export function liveItemsPath(indexesDir: string): string {
  return join(indexesDir, LIVE_ITEMS_FILE)
}

export function emptyLiveState(): LiveState {
  return { upserts: new Map(), deleted: new Set() }
}

/** Applies one change: an upsert revives a deleted id, a delete drops an earlier upsert. */
export function applyChange(state: LiveState, change: LiveChange): void {
  if (change.op === 'upsert') {
    state.deleted.delete(change.item.id)
    state.upserts.set(change.item.id, change.item)
  } else {
    state.upserts.delete(change.id)
    state.deleted.add(change.id)
  }
}

/**
 * Reads the changes file (an absent file is no changes). A torn last line (a crash mid-append) is skipped;
 * a damaged line elsewhere is `live.invalid` naming the file and line, so stored changes are never dropped silently.
 */
export async function readLiveState(indexesDir: string): Promise<LiveState> {
  const path = liveItemsPath(indexesDir)
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return ''
    throw error
  })
  const state = emptyLiveState()
  const lines = text.split('\n')
  let last = lines.length - 1
  while (last >= 0 && (lines[last] as string).trim() === '') last--
  for (let i = 0; i <= last; i++) {
    const line = lines[i] as string
    if (line.trim() === '') continue
    const change = parseChange(line)
    if (change) applyChange(state, change)
    else if (i < last) {
      throw new AppError('catalog.invalid', `${path} line ${i + 1} is not a live catalogue change: fix or remove that line`, {
        details: { path, line: i + 1 },
      })
    }
  }
  return state
}

function parseChange(line: string): LiveChange | undefined {
  try {
    const value = JSON.parse(line) as Partial<{ op: string; item: Item; id: string }>
    if (value.op === 'upsert' && value.item && typeof value.item.id === 'string') return { op: 'upsert', item: value.item }
    if (value.op === 'delete' && typeof value.id === 'string') return { op: 'delete', id: value.id }
  } catch {
    // not JSON: reported by the caller
  }
  return undefined
}

/** Appends changes and flushes them to disk before returning, so an answered request survives a crash. */
export async function appendChanges(indexesDir: string, changes: readonly LiveChange[]): Promise<void> {
  const file = await open(liveItemsPath(indexesDir), 'a')
  try {
    await file.writeFile(changes.map((c) => `${JSON.stringify(c)}\n`).join(''))
    await file.datasync()
  } finally {
    await file.close()
  }
}

/** The catalogue's items with the live changes: upserts replace or add (in change order), deleted ids are left out. */
export function withLiveItems(items: readonly Item[], state: LiveState): Item[] {
  const merged = items.filter((item) => !state.deleted.has(item.id) && !state.upserts.has(item.id))
  return [...merged, ...state.upserts.values()]
}
