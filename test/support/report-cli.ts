import { expect, vi } from 'vitest'
import { run as runReport } from '../../src/cli/report.ts'
import type { AbReport } from '../../src/loop/index.ts'

/** `concierge report --json` run in-process with `env` set, its printed JSON parsed (and exit code 0 checked). */
export async function reportJson(env: Record<string, string>): Promise<AbReport> {
  const out = vi.spyOn(console, 'log').mockImplementation(() => {})
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value)
  try {
    expect(await runReport(['--json'])).toBe(0)
    return JSON.parse(String(out.mock.calls.at(-1)?.[0])) as AbReport
  } finally {
    out.mockRestore()
    vi.unstubAllEnvs()
  }
}
