import type { ItemId } from '../core/index.ts'

/** Users' positive items as compressed sparse rows over an item vocabulary (column indices sorted per row). */
export interface UserRows {
  readonly itemIds: readonly ItemId[]
  /** Row r spans indices[indptr[r]..indptr[r+1]). */
  readonly indptr: Int32Array
  readonly indices: Int32Array
  readonly rows: number
}

/** How many of the given users have each item, in first-seen order (a user counts once per item). */
export function usersPerItem(users: readonly (readonly ItemId[])[]): Map<ItemId, number> {
  const counts = new Map<ItemId, number>()
  for (const items of users) for (const id of new Set(items)) counts.set(id, (counts.get(id) ?? 0) + 1)
  return counts
}

/** The item vocabulary: ids with positives from at least `minUsers` of the given users, in first-seen order. */
export function buildVocabulary(
  users: readonly (readonly ItemId[])[],
  minUsers = 1,
): { itemIds: ItemId[]; index: Map<ItemId, number> } {
  return vocabularyOf(usersPerItem(users), minUsers)
}

/** The vocabulary from `usersPerItem` counts: the ids counted at least `minUsers` times, in the counts' order. */
export function vocabularyOf(
  counts: ReadonlyMap<ItemId, number>,
  minUsers = 1,
): { itemIds: ItemId[]; index: Map<ItemId, number> } {
  const index = new Map<ItemId, number>()
  const itemIds: ItemId[] = []
  for (const [id, n] of counts) {
    if (n < minUsers) continue
    index.set(id, itemIds.length)
    itemIds.push(id)
  }
  return { itemIds, index }
}

/** CSR rows of the given users; items missing from the vocabulary are dropped. */
export function toRows(users: readonly (readonly ItemId[])[], itemIds: readonly ItemId[], index: Map<ItemId, number>): UserRows {
  const indptr = new Int32Array(users.length + 1)
  const cols: number[] = []
  users.forEach((items, r) => {
    const row: number[] = []
    for (const id of items) {
      const c = index.get(id)
      if (c !== undefined) row.push(c)
    }
    row.sort((a, b) => a - b)
    for (const c of row) cols.push(c)
    indptr[r + 1] = cols.length
  })
  return { itemIds, indptr, indices: Int32Array.from(cols), rows: users.length }
}

/** Column indices of the liked ids that the vocabulary knows, deduplicated. */
export function knownIndices(liked: readonly ItemId[], index: Map<ItemId, number>): number[] {
  const seen = new Set<number>()
  for (const id of liked) {
    const c = index.get(id)
    if (c !== undefined) seen.add(c)
  }
  return [...seen]
}

/** Number of positives per item column. */
export function itemCounts(rows: UserRows): Float64Array {
  const counts = new Float64Array(rows.itemIds.length)
  for (const c of rows.indices) counts[c] = (counts[c] as number) + 1
  return counts
}
