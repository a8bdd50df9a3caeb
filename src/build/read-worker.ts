// The build reader thread (see createBuildReader in open.ts): reads, checks and parses build folders on request.
import { parentPort } from 'node:worker_threads'
import { movableBuffers, readBuildData, serialiseError } from './read.ts'

parentPort?.on('message', async ({ id, dir }: { id: number; dir: string }) => {
  try {
    const data = await readBuildData(dir, { prepare: true })
    parentPort?.postMessage({ id, ok: true, data }, movableBuffers(data))
  } catch (error) {
    parentPort?.postMessage({ id, ok: false, error: serialiseError(error) })
  }
})
