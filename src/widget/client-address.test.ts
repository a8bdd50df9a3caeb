import { describe, expect, it } from 'vitest'
import { addressGroup, clientAddress } from './client-address.ts'

describe('clientAddress', () => {
  it('uses the socket address when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress('::ffff:127.0.0.1', '6.6.6.6', 0)).toBe('127.0.0.1')
  })

  it('takes the rightmost entry not added by the trusted proxies, ignoring forged entries to its left', () => {
    expect(clientAddress('10.0.0.1', '6.6.6.6, 203.0.113.5', 1)).toBe('203.0.113.5')
    expect(clientAddress('10.0.0.2', '6.6.6.6, 203.0.113.5, 10.0.0.1', 2)).toBe('203.0.113.5')
    expect(clientAddress('10.0.0.1', '203.0.113.5', 3)).toBe('203.0.113.5')
  })

  it('reads ports and brackets, and falls back to the socket address when the entry is not an address', () => {
    expect(clientAddress('10.0.0.1', '203.0.113.5:4431', 1)).toBe('203.0.113.5')
    expect(clientAddress('10.0.0.1', '[2001:DB8::1]:443', 1)).toBe('2001:db8::1')
    expect(clientAddress('10.0.0.1', 'not-an-ip', 1)).toBe('10.0.0.1')
    expect(clientAddress(undefined, undefined, 0)).toBe('unknown')
  })
})

describe('addressGroup', () => {
  it('groups IPv6 addresses by /64 and keeps IPv4 addresses whole', () => {
    expect(addressGroup('2001:db8:0:1::5')).toBe('2001:db8:0:1::/64')
    expect(addressGroup('2001:0db8:0000:0001:ffff:0:0:1')).toBe('2001:db8:0:1::/64')
    expect(addressGroup('::1')).toBe('0:0:0:0::/64')
    expect(addressGroup('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64')
    expect(addressGroup('203.0.113.5')).toBe('203.0.113.5')
  })
})
