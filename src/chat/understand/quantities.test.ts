import { describe, expect, it } from 'vitest'
import { fixtureEnv, runPass } from './pass-fixture.ts'

describe('quantities pass', () => {
  it('reads a length limit in minutes', () => {
    expect(runPass('quantities', 'nothing too long').findings.runtimeMax).toBe(100)
    expect(runPass('quantities', 'under 2 hours').findings.runtimeMax).toBe(120)
    expect(runPass('quantities', 'under 90 minutes').findings.runtimeMax).toBe(90)
  })

  it('says the limit was ignored when the catalogue has no runtimes', () => {
    const { findings } = runPass('quantities', 'something short', fixtureEnv({ hasRuntime: false }))
    expect(findings.runtimeMax).toBeUndefined()
    expect(findings.runtimeIgnored).toBe(true)
  })
})
