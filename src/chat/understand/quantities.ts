import { copyFindings, type PassEnv, take, type UtteranceState } from './state.ts'

const RUNTIME_RE =
  /\b(?:shorter|less long|(?:not|nothing) (?:too |that |very |overly )?long|short (?:ones?|movies?|films?|one)|something short|quick (?:watch|one)|under (\d+(?:\.\d+)?) ?(min(?:ute)?s?|hours?|hrs?|h))\b/g

/** A length limit ("nothing too long", "under 2 hours") as a maximum runtime in minutes, when the catalogue has runtimes. */
export function readQuantities(state: UtteranceState, { ctx }: PassEnv): UtteranceState {
  const findings = copyFindings(state.findings)
  const next = take(state, RUNTIME_RE, (m) => {
    if (!ctx.hasRuntime) {
      findings.runtimeIgnored = true
      return true
    }
    let max = 100
    if (m[1]) max = /^h/.test(m[2]!) ? Math.round(Number(m[1]) * 60) : Math.round(Number(m[1]))
    findings.runtimeMax = findings.runtimeMax === undefined ? max : Math.min(findings.runtimeMax, max)
    return true
  })
  return { ...next, findings }
}
