import { AppError } from '../core/index.ts'

/** One thing wrong with the data: where it is and what was expected. */
export interface CatalogProblem {
  /** File name relative to the data folder (e.g. `items.csv`, `movielens/ml-latest-small/ratings.csv`). */
  file: string
  /** 1-based line; absent when the problem is about a whole file. */
  line?: number
  /** Column or JSON field, when the problem is about one. */
  field?: string
  /** What was expected and what was found, e.g. `year: expected an integer between 1800 and 2100, got "19x5"`. */
  message: string
}

/** `items.csv:12 year: expected …` */
export function formatProblem(p: CatalogProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`
  return `${where} ${p.message}`
}

/** Collects errors (capped list, full count) and warnings (counted, a few examples kept). */
export class ProblemLog {
  readonly errors: CatalogProblem[] = []
  readonly warnings: CatalogProblem[] = []
  errorCount = 0
  warningCount = 0

  constructor(private readonly cap: number) {}

  error(p: CatalogProblem): void {
    this.errorCount++
    if (this.errors.length < this.cap) this.errors.push(p)
  }

  warn(p: CatalogProblem): void {
    this.warningCount++
    if (this.warnings.length < this.cap) this.warnings.push(p)
  }

  /** Throws `catalog.invalid` listing the problems (up to the cap) when there is any. */
  throwIfAny(dir: string): void {
    if (this.errorCount === 0) return
    const total = this.errorCount
    const more = total - this.errors.length
    const first = this.errors.slice(0, 3).map(formatProblem).join('; ')
    const tail = more > 0 ? `; … and ${more} more` : ''
    throw new AppError(
      'catalog.invalid',
      `${total} problem${total === 1 ? '' : 's'} in ${dir}: ${first}${total > 3 ? tail || ' …' : ''}`,
      { details: { problems: this.errors, total, more } },
    )
  }
}
