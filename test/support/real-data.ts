import { describe } from 'vitest'
import { dataDir } from './data.ts'

/**
 * `describe` for checks that only hold on the real data (its exact sizes and measured figures): registered when
 * the data folder is present; otherwise not registered, and the reason printed once (a fixture variant of the same
 * behaviour runs everywhere).
 */
export function describeRealData(title: string, suite: () => void): void {
  if (dataDir()) describe(title, suite)
  else console.warn(`[concierge tests] not run without a data folder (set CONCIERGE_DATA_DIR): "${title}"`)
}
