import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

/**
 * The connections of an HTTP server, for a shutdown that resets no request a client already sent. Node counts a
 * connection whose first request is not parsed yet as idle (server.close() destroys those), though the request may
 * already be on the wire; here such a fresh connection is left alone for FRESH_GRACE_MS.
 */
export interface ConnectionTracker {
  /** Call for every request (counts it on its connection until the response closes). */
  onRequest(req: IncomingMessage, res: ServerResponse): void
  /**
   * Ends connections with nothing to answer: idle after a response, and (with `fresh`) connections that have
   * delivered no request in FRESH_GRACE_MS.
   */
  endQuiet(fresh: boolean): void
  /** Responses not yet finished (streams included). */
  readonly busy: number
  /** Open connections. */
  readonly open: number
  /** Resolves at the next change (a response or a connection closed), or after `ms`. */
  change(ms: number): Promise<void>
  destroyAll(): void
}

/** How long a new connection may take to deliver its first request during shutdown. */
const FRESH_GRACE_MS = 1000

export function trackConnections(server: Server): ConnectionTracker {
  const sockets = new Map<Socket, { busy: number; served: number; acceptedAt: number }>()
  const waiters = new Set<() => void>()
  let busy = 0
  const changed = () => {
    for (const wake of waiters) wake()
    waiters.clear()
  }
  server.on('connection', (socket: Socket) => {
    sockets.set(socket, { busy: 0, served: 0, acceptedAt: performance.now() })
    socket.once('close', () => {
      sockets.delete(socket)
      changed()
    })
  })

  return {
    onRequest(req, res) {
      const state = sockets.get(req.socket)
      busy++
      if (state) state.busy++
      res.once('close', () => {
        busy--
        if (state) {
          state.busy--
          state.served++
        }
        changed()
      })
    },
    endQuiet(fresh) {
      const now = performance.now()
      for (const [socket, state] of sockets) {
        if (state.busy > 0) continue
        if (state.served > 0 || (fresh && now - state.acceptedAt > FRESH_GRACE_MS)) socket.end()
      }
    },
    get busy() {
      return busy
    },
    get open() {
      return sockets.size
    },
    change: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms)
        waiters.add(() => {
          clearTimeout(timer)
          resolve()
        })
      }),
    destroyAll() {
      for (const socket of sockets.keys()) socket.destroy()
    },
  }
}
