import { inflateRawSync } from 'node:zlib'

/** A zip archive that cannot be read (truncated, unsupported feature, bad checksum). */
export class ZipFormatError extends Error {
  override name = 'ZipFormatError'
}

export interface ZipEntry {
  /** Path inside the archive, `/`-separated; folders end with `/`. */
  name: string
  isDirectory: boolean
  /** Uncompressed bytes, checked against the recorded size and CRC-32. */
  read(): Buffer
}

const EOCD = 0x06054b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

/** CRC-32 (IEEE 802.3), as stored in zip headers. */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff
  for (let i = 0; i < data.length; i++) c = (CRC_TABLE[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/**
 * Lists the entries of a zip archive held in memory, from its central directory. Supports stored (0) and
 * deflated (8) entries; zip64, encryption and multi-disk archives are refused with a ZipFormatError.
 */
export function readZip(archive: Uint8Array): ZipEntry[] {
  const buf = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength)
  const need = (ok: boolean, what: string) => {
    if (!ok) throw new ZipFormatError(`not a readable zip archive: ${what}`)
  }
  need(buf.length >= 22, 'too short')
  let eocd = -1
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i
      break
    }
  }
  need(eocd >= 0, 'no end-of-central-directory record')
  const count = buf.readUInt16LE(eocd + 10)
  const cdSize = buf.readUInt32LE(eocd + 12)
  const cdOffset = buf.readUInt32LE(eocd + 16)
  need(count !== 0xffff && cdOffset !== 0xffffffff, 'zip64 archives are not supported')
  need(buf.readUInt16LE(eocd + 4) === 0 && buf.readUInt16LE(eocd + 6) === 0, 'multi-disk archives are not supported')
  need(cdOffset + cdSize <= eocd, 'central directory out of bounds')
  const entries: ZipEntry[] = []
  let p = cdOffset
  for (let n = 0; n < count; n++) {
    need(p + 46 <= buf.length && buf.readUInt32LE(p) === CENTRAL, `bad central directory entry ${n}`)
    const flags = buf.readUInt16LE(p + 8)
    const method = buf.readUInt16LE(p + 10)
    const crc = buf.readUInt32LE(p + 16)
    const compressedSize = buf.readUInt32LE(p + 20)
    const size = buf.readUInt32LE(p + 24)
    const nameLength = buf.readUInt16LE(p + 28)
    const extraLength = buf.readUInt16LE(p + 30)
    const commentLength = buf.readUInt16LE(p + 32)
    const localOffset = buf.readUInt32LE(p + 42)
    // Bit 11: the name is UTF-8; otherwise CP437, which matches ASCII for the names we expect.
    const name = buf.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLength)
    p += 46 + nameLength + extraLength + commentLength
    need((flags & 1) === 0, `${name} is encrypted`)
    need(method === 0 || method === 8, `${name} uses compression method ${method} (only stored and deflate are supported)`)
    need(localOffset + 30 <= buf.length && buf.readUInt32LE(localOffset) === LOCAL, `bad local header for ${name}`)
    const dataStart = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28)
    need(dataStart + compressedSize <= buf.length, `${name} is truncated`)
    entries.push({
      name,
      isDirectory: name.endsWith('/'),
      read: () => {
        const raw = buf.subarray(dataStart, dataStart + compressedSize)
        let data: Buffer
        try {
          data = method === 0 ? Buffer.from(raw) : inflateRawSync(raw)
        } catch (error) {
          throw new ZipFormatError(`${name} cannot be inflated: ${(error as Error).message}`)
        }
        need(data.length === size, `${name} has ${data.length} bytes, expected ${size}`)
        need(crc32(data) === crc, `${name} fails its CRC-32 check`)
        return data
      },
    })
  }
  return entries
}
