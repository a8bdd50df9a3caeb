import { isIP } from 'node:net'

/**
 * The address a request comes from, for rate limits. With `trustedHops` proxies in front of the server (each
 * appending its peer's address to X-Forwarded-For), the client is the rightmost entry those proxies did not add:
 * entries to its left were written by the client itself and can be forged. With 0 hops, the socket address.
 * Falls back to the socket address when the trusted entry is not an IP address.
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | undefined, trustedHops: number): string {
  if (trustedHops > 0 && forwardedFor) {
    const entries = forwardedFor
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
    // Fewer entries than hops: the request came through fewer proxies than configured; the leftmost is the furthest.
    const entry = entries[Math.max(0, entries.length - trustedHops)]
    const address = entry === undefined ? undefined : parseAddress(entry)
    if (address) return address
  }
  return (socketAddress && parseAddress(socketAddress)) || 'unknown'
}

/**
 * The rate-limit key of an address: IPv4 as it is, IPv6 by its /64 network (one host is usually given a whole /64,
 * so limiting single IPv6 addresses lets one client rotate through billions of them).
 */
export function addressGroup(address: string): string {
  if (isIP(address) !== 6) return address
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`
}

/** An IP address from an X-Forwarded-For entry or socket address ("[::1]:443", "1.2.3.4:80", "::ffff:1.2.3.4"). */
function parseAddress(raw: string): string | undefined {
  let value = raw
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value)
  if (bracketed) value = bracketed[1] as string
  else if (/^[\d.]+:\d+$/.test(value)) value = value.slice(0, value.indexOf(':'))
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(value)
  if (mapped) value = mapped[1] as string
  return isIP(value) ? value.toLowerCase() : undefined
}

/** The eight hextets of an IPv6 address, each without leading zeros (an embedded IPv4 tail becomes two hextets). */
function expandIpv6(address: string): string[] {
  let text = address.replace(/%.*$/, '')
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number]
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0')
  return [...left, ...middle, ...right].map((h) => Number.parseInt(h || '0', 16).toString(16))
}
