import { randomUUID } from 'node:crypto'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { loadConfig } from '../config/index.ts'
import { AppError, type ChatService, createLogger, type FeedbackKind, type Reply } from '../core/index.ts'
import { createRuntime } from '../runtime.ts'
import { exitCodeFor, printError } from './exit.ts'

const USAGE = `usage: concierge chat [--json] [--user ID]

A conversation in the terminal on the current build (run \`concierge rebuild\` first).
On a terminal: type what you feel like; /like N, /dislike N, /seen N, /skip N act on item N of the last reply;
/profile shows your stored likes; /reset starts over; /quit leaves.
Piped (stdin not a terminal): one message per line; with --json one JSON reply per line:
  {"text": "...", "items": [{"id": "...", "title": "...", "explanation": "..."}]}`

const FEEDBACK: Record<string, FeedbackKind> = {
  like: 'like',
  dislike: 'dislike',
  seen: 'seen',
  skip: 'not_interested',
  not_interested: 'not_interested',
}

/** `concierge chat`: exit 0 at the end of input or /quit, 2 on bad flags or config, 1 on a runtime failure. */
export async function run(args: string[]): Promise<number> {
  let values: { json?: boolean; user?: string; help?: boolean }
  try {
    values = parseArgs({
      args,
      options: { json: { type: 'boolean' }, user: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }).values
  } catch (error) {
    console.error(`concierge chat: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`)
    return 2
  }
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const userId = values.user?.trim() || 'cli-user'
  if (userId.length > 256) {
    console.error('concierge chat: --user must be at most 256 characters')
    return 2
  }
  const config = loadConfig()
  const logger = createLogger({ level: config.log.level === 'info' ? 'warn' : config.log.level, format: config.log.format })
  const runtime = await createRuntime(config, { logger })
  const tty = Boolean(process.stdin.isTTY) && !values.json
  const session = { conversationId: `cli-${randomUUID()}`, userId, lastIds: [] as string[] }
  try {
    return tty ? await interactive(runtime.chat, session) : await piped(runtime.chat, session, Boolean(values.json))
  } finally {
    await runtime.close()
  }
}

interface CliSession {
  conversationId: string
  userId: string
  lastIds: string[]
}

async function piped(chat: ChatService, session: CliSession, json: boolean): Promise<number> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })
  let failures = 0
  for await (const line of rl) {
    try {
      const reply = await chat.handleTurn({ conversationId: session.conversationId, userId: session.userId, text: line })
      session.lastIds = reply.items.map((i) => i.id)
      if (json) {
        const out = {
          text: reply.text,
          items: reply.items.map((i) => ({ id: i.id, title: i.title, explanation: i.explanation })),
        }
        process.stdout.write(`${JSON.stringify(out)}\n`)
      } else {
        process.stdout.write(`${render(reply)}\n`)
      }
    } catch (error) {
      failures++
      if (json) process.stdout.write(`${JSON.stringify({ error: errorCode(error) })}\n`)
      printError(error)
      if (exitCodeFor(error) === 1 && !(error instanceof AppError && error.code.startsWith('input'))) return 1
    }
  }
  return failures ? 1 : 0
}

async function interactive(chat: ChatService, session: CliSession): Promise<number> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'you> ' })
  console.log('Concierge: what are you looking for? (/help for commands, /quit to leave)')
  rl.prompt()
  for await (const line of rl) {
    const input = line.trim()
    try {
      if (input.startsWith('/')) {
        const done = await command(chat, session, input)
        if (done) break
      } else {
        const reply = await chat.handleTurn({ conversationId: session.conversationId, userId: session.userId, text: line })
        session.lastIds = reply.items.map((i) => i.id)
        console.log(render(reply))
      }
    } catch (error) {
      printError(error)
    }
    rl.prompt()
  }
  rl.close()
  return 0
}

/** Runs a /command; true when the conversation should end. */
async function command(chat: ChatService, session: CliSession, input: string): Promise<boolean> {
  const [name = '', arg] = input.slice(1).split(/\s+/, 2)
  if (name === 'quit' || name === 'exit' || name === 'q') return true
  if (name === 'help') {
    console.log(USAGE)
    return false
  }
  if (name === 'reset') {
    console.log(
      render(await chat.handleTurn({ conversationId: session.conversationId, userId: session.userId, text: 'start over' })),
    )
    return false
  }
  if (name === 'profile') {
    const p = await chat.getProfile(session.userId)
    console.log(`likes: ${p.likes.map((i) => i.title).join(', ') || '(none)'}`)
    console.log(`dislikes: ${p.dislikes.map((i) => i.title).join(', ') || '(none)'}`)
    return false
  }
  const kind = FEEDBACK[name]
  if (!kind) {
    console.log(`Unknown command /${name}. Try /like N, /dislike N, /seen N, /skip N, /profile, /reset, /quit.`)
    return false
  }
  const n = Number(arg)
  const itemId = Number.isInteger(n) && n >= 1 ? session.lastIds[n - 1] : undefined
  if (!itemId) {
    console.log(`Give the number of an item of the last reply (1-${session.lastIds.length || 0}), e.g. /${name} 2`)
    return false
  }
  await chat.feedback({ conversationId: session.conversationId, userId: session.userId, itemId, kind })
  const title = chat.getItem(itemId)?.title ?? itemId
  console.log(`Noted (${kind.replace('_', ' ')}): ${title}. Say "more" or tell me what else you'd like.`)
  return false
}

function render(reply: Reply): string {
  const lines = [reply.text]
  reply.items.forEach((item, i) => {
    lines.push(`  ${i + 1}. ${item.title}${item.year ? ` (${item.year})` : ''} — ${item.explanation}`)
  })
  if (reply.suggestions.length) lines.push(`  try: ${reply.suggestions.join(' · ')}`)
  return lines.join('\n')
}

function errorCode(error: unknown): string {
  return error instanceof AppError ? error.code : 'internal'
}
