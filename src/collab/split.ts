import { type ItemId, seededRandom, type UserId } from '../core/index.ts'
import { shuffleInPlace } from './rng.ts'

/** A held-out user: items shown to the model (fold-in) and items it should find. */
export interface HeldOutUser {
  userId: UserId
  foldIn: ItemId[]
  heldOut: ItemId[]
}

export interface UserSplit {
  /** Training users and their positives. */
  train: Array<{ userId: UserId; items: ItemId[] }>
  validation: HeldOutUser[]
  test: HeldOutUser[]
}

export interface SplitOptions {
  seed: number
  /** Share of eligible users held out for test (0 in training, where only validation is needed). */
  testFraction: number
  validationFraction: number
  /** Users with fewer positives are left out entirely (Liang et al. keep users with ≥ 5). */
  minPositives: number
  /** Share of a held-out user's items folded in; the rest is to predict. */
  foldInFraction: number
  /** Put users below `minPositives` into training instead of leaving them out (for model training, not evaluation). */
  smallUsersInTrain: boolean
}

export const DEFAULT_SPLIT: SplitOptions = {
  seed: 42,
  testFraction: 0.2,
  validationFraction: 0.1,
  minPositives: 5,
  foldInFraction: 0.8,
  smallUsersInTrain: false,
}

/**
 * Strong generalisation (Liang et al. 2018): users, not ratings, are split. Users are shuffled with the seed;
 * test and validation users are held out whole. Their items outside the training users' vocabulary are dropped
 * (no model can score them), then each keeps `foldInFraction` of their items as input and the rest to predict.
 * Users left with nothing to predict are dropped.
 */
export function splitUsers(byUser: ReadonlyMap<UserId, readonly ItemId[]>, options: Partial<SplitOptions> = {}): UserSplit {
  const o = { ...DEFAULT_SPLIT, ...options }
  const rng = seededRandom(o.seed)
  const users = [...byUser.keys()].filter((u) => (byUser.get(u) as readonly ItemId[]).length >= o.minPositives).sort()
  shuffleInPlace(users, rng)
  const nTest = Math.round(users.length * o.testFraction)
  const nVal = Math.round(users.length * o.validationFraction)
  const testUsers = users.slice(0, nTest)
  const valUsers = users.slice(nTest, nTest + nVal)
  const trainUsers = users.slice(nTest + nVal)
  if (o.smallUsersInTrain) {
    for (const [u, items] of byUser) if (items.length > 0 && items.length < o.minPositives) trainUsers.push(u)
  }
  const train = trainUsers.map((userId) => ({ userId, items: [...(byUser.get(userId) as readonly ItemId[])] }))
  const vocab = new Set<ItemId>()
  for (const t of train) for (const id of t.items) vocab.add(id)
  const holdOut = (userId: UserId): HeldOutUser | undefined => {
    const items = shuffleInPlace(
      (byUser.get(userId) as readonly ItemId[]).filter((id) => vocab.has(id)),
      rng,
    )
    const nHeld = Math.round(items.length * (1 - o.foldInFraction))
    if (nHeld < 1 || nHeld >= items.length) return undefined
    return { userId, foldIn: items.slice(nHeld), heldOut: items.slice(0, nHeld) }
  }
  return {
    train,
    validation: valUsers.map(holdOut).filter((u): u is HeldOutUser => u !== undefined),
    test: testUsers.map(holdOut).filter((u): u is HeldOutUser => u !== undefined),
  }
}
