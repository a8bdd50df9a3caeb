import { AppError, type ChatService } from '../core/index.ts'
import { type EventRecorder, eventsBodySchema } from '../loop/index.ts'
import type { Principal } from './keys.ts'
import { parseBody } from './schemas.ts'

/** Body limit of batch routes: 1,000 events with long ids fit. */
export const BATCH_BODY_BYTES = 1024 * 1024

/**
 * `POST /v1/events` (secret key): records up to 1,000 interactions `{ userId, itemId, type, value?, timestamp? }`.
 * Likes, dislikes, purchases and clear ratings change the user's profile at once, so their next turn reflects them;
 * all of them are training data for the next rebuild. Answers `{ recorded }`.
 */
export async function postEvents(
  principal: Principal,
  body: string,
  backend: { chat: Pick<ChatService, 'getItem'>; events?: EventRecorder },
): Promise<{ recorded: number }> {
  if (principal.kind !== 'secret') throw new AppError('auth.unauthorized', 'Recording events needs a secret key.')
  if (!backend.events) throw new AppError('unavailable', 'This server does not record events.')
  const { events } = parseBody(eventsBodySchema, body)
  return backend.events.record(events, (id) => backend.chat.getItem(id) !== undefined)
}
