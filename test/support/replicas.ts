import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { repoRoot } from './data.ts'

/** A `concierge serve` process on a port of its own on 127.0.0.1. */
export interface Replica {
  url: string
  process: ChildProcess
  /** What it wrote to stdout and stderr (for failures). */
  output: string[]
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Starts `concierge serve` with `env` and resolves once /readyz answers 200; throws with its output otherwise. */
export async function startReplica(env: Record<string, string>, readyWithinMs = 60_000): Promise<Replica> {
  const port = await freePort()
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'concierge.js'), 'serve'], {
    cwd: repoRoot,
    env: { ...process.env, ...env, CONCIERGE_PORT: String(port), CONCIERGE_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  child.stdout?.on('data', (chunk) => output.push(String(chunk)))
  child.stderr?.on('data', (chunk) => output.push(String(chunk)))
  const url = `http://127.0.0.1:${port}`
  for (let waited = 0; waited < readyWithinMs; waited += 200) {
    if (child.exitCode !== null) throw new Error(`replica exited (${child.exitCode}): ${output.join('')}`)
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ready) return { url, process: child, output }
    await sleep(200)
  }
  child.kill('SIGKILL')
  throw new Error(`replica not ready after ${readyWithinMs} ms: ${output.join('')}`)
}
