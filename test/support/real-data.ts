import { describe, it } from 'vitest'
import { dataDir } from './data.ts'

/**
 * `describe` for checks that only hold on the real data (its exact sizes and measured figures): registered when
 * the data folder is present; otherwise the reason is printed and a skipped placeholder stands in its place, so a
 * file of real-data checks alone still has a suite (vitest fails a file without one). A fixture variant of the same
 * behaviour runs everywhere.
 */
export function describeRealData(title: string, suite: () => void): void {
  if (dataDir()) {
    describe(title, suite)
    return
  }
  console.warn(`[concierge tests] not run without a data folder (set CONCIERGE_DATA_DIR): "${title}"`)
  describe.skip(title, () => {
    it('needs the data folder (CONCIERGE_DATA_DIR)', () => {})
  })
}
