import { describe, expect, it } from 'vitest'
import { createKeyRing } from './keys.ts'

const SELF = 'https://concierge.example'

describe('createKeyRing', () => {
  it('accepts a publishable key only from its origins, and any origin for *', () => {
    const ring = createKeyRing('pk_a=https://a.example|https://b.example, pk_all=*', '')
    expect(ring.authenticate({ publishableKey: 'pk_a', origin: 'https://b.example', selfOrigin: SELF })).toMatchObject({
      kind: 'publishable',
      key: 'pk_a',
    })
    expect(() => ring.authenticate({ publishableKey: 'pk_a', origin: 'https://c.example', selfOrigin: SELF })).toThrow(
      expect.objectContaining({ code: 'auth.origin_refused' }),
    )
    expect(ring.authenticate({ publishableKey: 'pk_all', origin: 'https://c.example', selfOrigin: SELF }).kind).toBe(
      'publishable',
    )
    expect(() => ring.authenticate({ publishableKey: 'demo', selfOrigin: SELF })).toThrow(
      expect.objectContaining({ code: 'auth.unauthorized' }),
    )
    expect(ring.keyForOrigin('https://a.example', SELF)).toBe('pk_a')
  })

  it('limits the demo key to the own origin and localhost', () => {
    const ring = createKeyRing('', '')
    expect(ring.demo).toBe(true)
    for (const origin of [SELF, 'http://localhost:5173', 'http://127.0.0.1:8080']) {
      expect(ring.authenticate({ publishableKey: 'demo', origin, selfOrigin: SELF }).kind).toBe('publishable')
    }
    expect(() =>
      ring.authenticate({ publishableKey: 'demo', origin: 'https://localhost.evil.example', selfOrigin: SELF }),
    ).toThrow(expect.objectContaining({ code: 'auth.origin_refused' }))
    expect(ring.originAllowed('https://evil.example', SELF)).toBe(false)
  })

  it('recognises secret keys and labels them without revealing them', () => {
    const ring = createKeyRing('', 'sk_one_123456, sk_two_654321')
    const principal = ring.authenticate({ authorization: 'Bearer sk_two_654321', selfOrigin: SELF })
    expect(principal).toEqual({ kind: 'secret', label: 'sk#2' })
    expect(() => ring.authenticate({ authorization: 'Bearer sk_two_65432', selfOrigin: SELF })).toThrow(
      expect.objectContaining({ code: 'auth.unauthorized' }),
    )
    expect(ring.isSecret('Basic sk_one_123456')).toBe(false)
    // Basic credentials a browser adds for a site behind HTTP auth do not spoil the publishable-key path.
    expect(ring.authenticate({ authorization: 'Basic dXNlcjpwYXNz', publishableKey: 'demo', selfOrigin: SELF }).kind).toBe(
      'publishable',
    )
  })

  it('rejects malformed key settings with config.invalid', () => {
    expect(() => createKeyRing('pk_a', '')).toThrow(expect.objectContaining({ code: 'config.invalid' }))
    expect(() => createKeyRing('pk_a=ftp://x', '')).toThrow(expect.objectContaining({ code: 'config.invalid' }))
    expect(() => createKeyRing('a b=*', '')).toThrow(expect.objectContaining({ code: 'config.invalid' }))
  })
})
