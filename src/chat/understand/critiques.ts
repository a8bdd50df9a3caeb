import { copyFindings, take, type UtteranceState } from './state.ts'

/** Comparative critiques: what they add to the query. Relative era and runtime are handled separately. */
const CRITIQUES: { re: RegExp; prefs: { text: string; weight: number }[] }[] = [
  {
    re: /\b(?:funnier|more (?:funny|fun|humou?r|comedy|comedic|lighthearted|light hearted|upbeat|cheerful)|lighter|happier|less (?:serious|dark|depressing|sad|heavy|grim)|feel ?good|feel-good)\b/g,
    prefs: [
      { text: 'funny lighthearted feel-good comedy', weight: 1 },
      { text: 'dark depressing grim', weight: -0.5 },
    ],
  },
  {
    re: /\b(?:darker|grittier|grimmer|bleaker|more (?:serious|gritty|intense|mature|dark|disturbing)|less (?:funny|silly|goofy|light|lighthearted|childish))\b/g,
    prefs: [
      { text: 'dark gritty serious', weight: 1 },
      { text: 'silly lighthearted comedy', weight: -0.5 },
    ],
  },
  {
    re: /\b(?:less (?:violent|violence|gory|gore|bloody|brutal|graphic|action)|(?:not|nothing|aren'?t|isn'?t|without being) (?:so |too |as |very |overly |that )?(?:violent|gory|bloody|brutal|graphic)|no violence|non ?violent|nonviolent)\b/g,
    prefs: [{ text: 'violent gory brutal bloody', weight: -1 }],
  },
  {
    re: /\b(?:more (?:violent|violence|action|exciting|thrilling|explosions|gore|gory|fights|fighting)|gorier|bloodier|more of an? action)\b/g,
    prefs: [{ text: 'action-packed exciting violent', weight: 1 }],
  },
  {
    re: /\b(?:scarier|creepier|more (?:scary|creepy|frightening|horror|terrifying|suspense|suspenseful))\b/g,
    prefs: [{ text: 'scary horror terrifying', weight: 1 }],
  },
  {
    re: /\b(?:less (?:scary|creepy|frightening|horror|terrifying)|not (?:so|too|as) (?:scary|creepy|frightening))\b/g,
    prefs: [{ text: 'scary horror terrifying', weight: -1 }],
  },
  {
    // Gentler than what was shown: toward warm films (in the words catalogues tag them with), away from what makes a
    // film intense, not only gore.
    re: /\b(?:(?:a (?:bit|little) )?(?:gentler|softer|tamer|calmer|milder|more (?:gentle|calm|relaxed|soothing|mellow))|less (?:intense|tense|stressful|harsh|aggressive)|not (?:so|too|as) (?:intense|tense|stressful|harsh))\b/g,
    prefs: [
      { text: 'heartwarming feel-good', weight: 1 },
      { text: 'intense violent brutal tense', weight: -1 },
    ],
  },
  { re: /\b(?:more (?:romantic|romance|love))\b/g, prefs: [{ text: 'romantic love story', weight: 1 }] },
  {
    re: /\b(?:less (?:romantic|romance|sappy|cheesy|mushy|sentimental)|not (?:so|too|as) (?:sappy|cheesy|romantic))\b/g,
    prefs: [{ text: 'sappy romance love story', weight: -1 }],
  },
  {
    re: /\b(?:sadder|more (?:emotional|moving|touching|heartfelt|sad))\b/g,
    prefs: [{ text: 'emotional moving heartfelt', weight: 1 }],
  },
  {
    re: /\b(?:smarter|cleverer|deeper|more (?:thoughtful|cerebral|clever|intelligent|thought provoking|philosophical|complex))\b/g,
    prefs: [{ text: 'smart thought-provoking clever', weight: 1 }],
  },
  {
    re: /\b(?:weirder|stranger|quirkier|more (?:surreal|bizarre|unusual|quirky|original|offbeat|weird|strange))\b/g,
    prefs: [{ text: 'weird surreal quirky offbeat', weight: 1 }],
  },
  {
    re: /\b(?:more (?:family|kid|child) ?friendly|more for (?:kids|children|the family)|less (?:adult|mature|explicit))\b/g,
    prefs: [{ text: 'family friendly for kids', weight: 1 }],
  },
]

/**
 * Comparative critiques anywhere in the message ("funnier", "less violent"): signed wishes added to the query, once
 * per critique however often it is said ("funnier and lighter"), each with the words the person said for it: the
 * search reads "funny lighthearted feel-good comedy", the reply quotes "funnier and lighter".
 */
export function readCritiques(state: UtteranceState): UtteranceState {
  const findings = copyFindings(state.findings)
  let next = state
  for (const c of CRITIQUES) {
    const said: string[] = []
    next = take(next, c.re, (m) => void said.push(asSaid(state, m)))
    if (said.length) findings.preferences.push(...c.prefs.map((p) => ({ ...p, said: [...new Set(said)].join(' and ') })))
  }
  return { ...next, findings }
}

/** The words of a match as the message writes them (the passes read it lower-cased; offsets are shared). */
function asSaid(state: UtteranceState, m: RegExpExecArray): string {
  return state.text.slice(m.index, m.index + m[0].length).replace(/\s+/g, ' ')
}
