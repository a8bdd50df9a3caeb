import type { Logger } from '../core/index.ts'
import type { Principal } from './keys.ts'

/** What the API's middleware puts on each request's context. */
export type WidgetEnv = { Variables: { requestId: string; principal: Principal; log: Logger; originRefused: boolean } }
