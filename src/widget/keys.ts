import { timingSafeEqual } from 'node:crypto'
import { AppError } from '../core/index.ts'

/** Who is calling: a site through its publishable key (browser), or a server through a secret key. */
export type Principal =
  | { kind: 'publishable'; key: string; label: string }
  | { kind: 'secret' /** A log-safe label (`sk#1`), never the key. */; label: string }

export interface KeyRing {
  /** True when no publishable keys are configured and the demo key `demo` is in use. */
  readonly demo: boolean
  /**
   * Resolves the caller from the Authorization header or the publishable key; throws auth.* errors. `selfOrigin` is
   * the origin of CONCIERGE_PUBLIC_URL, never one derived from the request's Host header (a forged or DNS-rebound
   * Host would make any page "same-origin").
   */
  authenticate(input: { authorization?: string; publishableKey?: string; origin?: string; selfOrigin?: string }): Principal
  /** Whether a browser on `origin` may call the API with some key (CORS preflight carries no key). */
  originAllowed(origin: string, selfOrigin: string | undefined): boolean
  /** True when `authorization` holds a configured secret key. */
  isSecret(authorization: string | undefined): boolean
  /** True when at least one secret key is configured. */
  readonly hasSecrets: boolean
  /** A publishable key a page on `origin` may use (for the demo page), if any. */
  keyForOrigin(origin: string, selfOrigin: string | undefined): string | undefined
}

export const DEMO_KEY = 'demo'

/**
 * Parses `key=origin1|origin2,key2=*` publishable keys and comma-separated secret keys.
 * With no publishable keys, the key `demo` works from the public URL's origin and from loopback pages only, so a
 * default deployment cannot be embedded by strangers.
 */
export function createKeyRing(publishable: string, secret: string): KeyRing {
  const sites = new Map<string, Set<string>>()
  for (const entry of splitList(publishable)) {
    const eq = entry.indexOf('=')
    const key = (eq < 0 ? entry : entry.slice(0, eq)).trim()
    const origins = eq < 0 ? '' : entry.slice(eq + 1)
    if (!/^[A-Za-z0-9_.-]{3,128}$/.test(key)) {
      throw new AppError('config.invalid', `CONCIERGE_PUBLISHABLE_KEYS: key "${key}" must be 3-128 letters, digits, _ . -`)
    }
    const set = new Set<string>()
    for (const o of origins.split('|').map((s) => s.trim())) {
      if (!o) continue
      set.add(o === '*' ? '*' : normalizeOrigin(o, key))
    }
    if (set.size === 0) {
      throw new AppError('config.invalid', `CONCIERGE_PUBLISHABLE_KEYS: key "${key}" needs origins (key=https://site|…) or *`)
    }
    sites.set(key, set)
  }
  const secrets = splitList(secret).map((s) => Buffer.from(s))
  const demo = sites.size === 0

  const siteAllows = (allowed: Set<string> | undefined, origin: string, selfOrigin: string | undefined) =>
    allowed === undefined ? isLocalOrSelf(origin, selfOrigin) : allowed.has('*') || allowed.has(origin)

  const secretIndex = (authorization: string | undefined): number => {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')
    if (!m) return -1
    const given = Buffer.from(m[1] as string)
    // Compare against every key in constant time per key, so timing says nothing about which prefix matched.
    let found = -1
    secrets.forEach((s, i) => {
      if (s.length === given.length && timingSafeEqual(s, given) && found < 0) found = i
    })
    return found
  }

  return {
    demo,
    hasSecrets: secrets.length > 0,
    isSecret: (authorization) => secretIndex(authorization) >= 0,
    keyForOrigin(origin, selfOrigin) {
      if (demo) return isLocalOrSelf(origin, selfOrigin) ? DEMO_KEY : undefined
      for (const [key, allowed] of sites) if (siteAllows(allowed, origin, selfOrigin)) return key
      return undefined
    },
    originAllowed(origin, selfOrigin) {
      if (demo) return isLocalOrSelf(origin, selfOrigin)
      for (const allowed of sites.values()) if (siteAllows(allowed, origin, selfOrigin)) return true
      return origin === selfOrigin
    },
    authenticate({ authorization, publishableKey, origin, selfOrigin }) {
      // Only Bearer tokens are secret-key attempts: a browser sends Basic credentials by itself to a site behind
      // HTTP auth (staging), and those must not break the publishable-key path.
      if (authorization && /^Bearer\s/i.test(authorization)) {
        const i = secretIndex(authorization)
        if (i < 0) throw new AppError('auth.unauthorized', 'The Authorization header does not hold a valid secret key.')
        return { kind: 'secret', label: `sk#${i + 1}` }
      }
      if (!publishableKey) {
        throw new AppError('auth.unauthorized', 'Send a publishable key in X-Concierge-Key (or a secret key as a Bearer token).')
      }
      const allowed = demo ? (publishableKey === DEMO_KEY ? undefined : null) : (sites.get(publishableKey) ?? null)
      if (allowed === null) throw new AppError('auth.unauthorized', 'Unknown publishable key.')
      // Requests without an Origin header do not come from a page (curl, server code): the key is public anyway
      // and rate limits apply; origin rules exist to stop other sites embedding the widget with this key.
      if (origin !== undefined && !siteAllows(allowed, origin, selfOrigin)) {
        throw new AppError('auth.origin_refused', `Origin ${origin} is not allowed for this key.`)
      }
      return { kind: 'publishable', key: publishableKey, label: `pk:${publishableKey}` }
    },
  }
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

function normalizeOrigin(origin: string, key: string): string {
  try {
    const u = new URL(origin)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme')
    return u.origin
  } catch {
    throw new AppError(
      'config.invalid',
      `CONCIERGE_PUBLISHABLE_KEYS: "${origin}" for key "${key}" is not an origin like https://example.com`,
    )
  }
}

/** The server's public origin (CONCIERGE_PUBLIC_URL), or a page served from this machine (development). */
export function isLocalOrSelf(origin: string, selfOrigin: string | undefined): boolean {
  if (origin === selfOrigin) return true
  try {
    const u = new URL(origin)
    return (u.protocol === 'http:' || u.protocol === 'https:') && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)
  } catch {
    return false
  }
}
