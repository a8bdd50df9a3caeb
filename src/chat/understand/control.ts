import { copyFindings, take, type UtteranceState } from './state.ts'

const RESET_RE =
  /\b(?:start (?:over|again|afresh|from scratch)|reset|restart|forget (?:everything|all (?:of )?(?:that|this|it)|it all|what i said)|clear (?:everything|all|my (?:preferences|history))|new search|from scratch)\b/g
const DROP_FILTERS_RE =
  /\b(?:drop|remove|clear|forget|reset|lose|no more|ignore) (?:the |all |my |those |these |any )?(?:filters?|constraints?|restrictions?|limits?)\b/g
const CHANGE_DIRECTION_RE =
  /\b(?:something (?:(?:completely|totally|entirely|very|really|quite) )?(?:different(?! (?:from|than|to)\b)|else entirely)|(?:a )?change of (?:pace|scenery)|switch (?:it|things) up|change (?:it|things) up|(?:a )?different direction)\b/g

/** Control phrases: start over, drop the filters, change direction. Read first, so no later pass sees their words. */
export function readControls(state: UtteranceState): UtteranceState {
  const findings = copyFindings(state.findings)
  let next = take(state, RESET_RE, () => {
    findings.reset = true
  })
  next = take(next, DROP_FILTERS_RE, () => {
    findings.dropFilters = true
  })
  // A change of direction drops what was asked for, not what was refused (the session's `changeDirection`).
  next = take(next, CHANGE_DIRECTION_RE, () => {
    findings.changeDirection = true
  })
  return { ...next, findings }
}
