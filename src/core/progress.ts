/** Progress of a long task, reported by library code and drawn by the CLI. */
export interface ProgressEvent {
  phase: string
  done: number
  total: number
  /** What `done` counts: items, users, epochs… */
  unit?: string
}

export type ProgressListener = (event: ProgressEvent) => void

export const noProgress: ProgressListener = () => {}
