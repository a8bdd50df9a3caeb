// The build reader thread (see createBuildReader in open.ts): reads, checks and parses build folders on request.
import { parentPort } from 'node:worker_threads'
import type { Item } from '../core/index.ts'
import { movableBuffers, readBuildData, serialiseError } from './read.ts'
import { buildCatalogueTables, tableBuffers } from './tables.ts'

parentPort?.on('message', async ({ id, dir, items }: { id: number; dir?: string; items?: Item[] }) => {
  try {
    if (items) {
      const tables = buildCatalogueTables(items)
      parentPort?.postMessage({ id, ok: true, tables }, tableBuffers(tables))
      return
    }
    const data = await readBuildData(dir as string, { prepare: true })
    parentPort?.postMessage({ id, ok: true, data }, movableBuffers(data))
  } catch (error) {
    parentPort?.postMessage({ id, ok: false, error: serialiseError(error) })
  }
})
