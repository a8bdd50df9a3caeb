import { createHash } from 'node:crypto'

/** Hex SHA-256 of a string or bytes. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

/** An incremental fingerprint over many parts, for data and build identities. */
export function createFingerprint(): { add(part: string | Uint8Array): void; digest(): string } {
  const h = createHash('sha256')
  return {
    add: (part) => {
      h.update(part)
      h.update('\u0000')
    },
    digest: () => h.digest('hex'),
  }
}
