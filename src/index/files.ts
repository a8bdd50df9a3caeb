import { endianness } from 'node:os'
import { AppError } from '../core/index.ts'

const littleEndian = endianness() === 'LE'

/** Raw little-endian bytes of a Float32Array (a view when the platform is little-endian). */
export function f32ToBytes(data: Float32Array): Uint8Array {
  if (littleEndian) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  const out = new Uint8Array(data.byteLength)
  const view = new DataView(out.buffer)
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i] as number, true)
  return out
}

/** Reads raw little-endian float32 bytes into a fresh, aligned Float32Array. */
export function bytesToF32(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 4 !== 0) {
    throw new AppError('index.corrupt', `Vector data of ${bytes.byteLength} bytes is not a whole number of float32 values`, {
      details: { bytes: bytes.byteLength },
    })
  }
  const out = new Float32Array(bytes.byteLength / 4)
  if (littleEndian) {
    new Uint8Array(out.buffer).set(bytes)
    return out
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true)
  return out
}
