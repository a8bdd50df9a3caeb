import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ImitationServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string
  /** Every request's path and query, in arrival order. */
  requests: string[]
  close(): Promise<void>
}

/** A handler answers a request; returning false leaves it to a 404. */
export type ImitationHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>

/** A local HTTP server on a free port, for download and API imitations. */
export async function startImitationServer(handler: ImitationHandler): Promise<ImitationServer> {
  const requests: string[] = []
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    requests.push(`${url.pathname}${url.search}`)
    try {
      if (!(await handler(req, res, url))) res.writeHead(404).end('not found')
    } catch (error) {
      res.writeHead(500).end(String(error))
    }
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections()
        server.close(() => done())
      }),
  }
}

/** A fetch that sends requests for `origin` (e.g. https://github.com) to the imitation instead. */
export function redirectFetch(origin: string, imitation: ImitationServer): typeof fetch {
  return (input, init) => fetch(String(input).replace(origin, imitation.url), init)
}
