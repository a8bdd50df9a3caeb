// The build reader thread (see createBuildReader in open.ts): reads, checks and parses build folders on request.
import { parentPort } from 'node:worker_threads'
import { readBuildData, serialiseError } from './read.ts'
import { tableBuffers } from './tables.ts'

parentPort?.on('message', async ({ id, dir }: { id: number; dir: string }) => {
  try {
    const data = await readBuildData(dir, { withTables: true })
    const moved = [
      data.index.vectors.buffer,
      ...(data.model?.files ? [data.model.files.weights.buffer] : []),
      ...tableBuffers(data.tables),
    ]
    parentPort?.postMessage({ id, ok: true, data }, moved as ArrayBuffer[])
  } catch (error) {
    parentPort?.postMessage({ id, ok: false, error: serialiseError(error) })
  }
})
