import type { UserId } from '../core/index.ts'

/**
 * The store's user for `userId` within `namespace` (e.g. a widget site key): the same id under two namespaces is
 * two people, with their own profile, sessions and forget. The namespace's length comes first, so no two
 * (namespace, id) pairs give the same user.
 */
export function namespacedUserId(namespace: string, userId: UserId): UserId {
  return `ns${namespace.length}:${namespace}:${userId}`
}
