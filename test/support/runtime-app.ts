import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Config } from '../../src/config/index.ts'
import { createLogger, type Logger } from '../../src/core/index.ts'
import { createRuntime, type Runtime } from '../../src/runtime.ts'
import { createWidgetApp, type WidgetApp } from '../../src/widget/index.ts'
import { tinyBuild } from './tiny-build.ts'

/** A real runtime on a tiny build in a temporary folder, its HTTP app, and a POST helper with a secret key. */
export interface TinyRuntimeApp {
  dir: string
  config: Config
  runtime: Runtime
  app: WidgetApp
  /** POSTs JSON with `Authorization: Bearer <secret>` (or the given header value). */
  post(path: string, body: unknown, authorization?: string): Promise<Response>
  close(): Promise<void>
}

/** `logger`: what the runtime logs to (default silent), e.g. to count the log lines of one event. */
export async function startTinyRuntimeApp(
  secret: string,
  env: Record<string, string> = {},
  logger: Logger = createLogger({ level: 'silent' }),
): Promise<TinyRuntimeApp> {
  const dir = await mkdtemp(join(tmpdir(), 'concierge-runtime-app-'))
  const { config } = await tinyBuild(dir, { CONCIERGE_SECRET_KEYS: secret, ...env })
  const runtime = await createRuntime(config, { logger })
  const app = await createWidgetApp(config.server, { backend: () => runtime, logger })
  return {
    dir,
    config,
    runtime,
    app,
    post: (path, body, authorization = `Bearer ${secret}`) =>
      app.fetch(
        new Request(`http://localhost${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body: JSON.stringify(body),
        }),
      ),
    close: async () => {
      await app.close()
      await runtime.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
