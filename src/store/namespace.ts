import { AppError, type UserId } from '../core/index.ts'

/**
 * The store's user for `userId` within `namespace` (e.g. a widget site key): `namespace:userId`. The same id under
 * two namespaces is two people, with their own profile, sessions and forget. A namespace never contains `:`, so
 * no two (namespace, id) pairs give the same user; one that does is `input.invalid`.
 */
export function namespacedUserId(namespace: string, userId: UserId): UserId {
  if (namespace === '' || namespace.includes(':')) {
    throw new AppError('input.invalid', `A user namespace must be non-empty and without ":" (got ${JSON.stringify(namespace)})`, {
      details: { field: 'namespace' },
    })
  }
  return `${namespace}:${userId}`
}
