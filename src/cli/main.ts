import { exitCodeFor, printError } from './exit.ts'

/** Each command lives in its own file and exports `run(args): Promise<number>` (the exit code). */
const COMMANDS: Record<string, { load: () => Promise<{ run: (args: string[]) => Promise<number> }>; summary: string }> = {
  serve: {
    load: () => import('./serve.ts'),
    summary: 'run the chat server (HTTP API, widget, Slack bot); builds first when needed',
  },
  rebuild: {
    load: () => import('./rebuild.ts'),
    summary: 'validate the catalogue, embed items, build the index (and train the model)',
  },
  train: { load: () => import('./train.ts'), summary: 'train the collaborative model on the interactions' },
  eval: { load: () => import('./eval.ts'), summary: 'offline evaluation of recommenders (or --conversations: dialogue replay)' },
  chat: { load: () => import('./chat.ts'), summary: 'a terminal conversation on the current build' },
  report: { load: () => import('./report.ts'), summary: 'A/B report: per variant impressions, like and acceptance rates' },
  data: { load: () => import('./data.ts'), summary: 'obtain data: `concierge data <movielens|redial|tmdb|all> [--from DIR]`' },
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  return `usage: concierge <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun \`concierge <command> --help\` for a command's options.`
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage())
    return name ? 0 : 2
  }
  const command = COMMANDS[name]
  if (!command) {
    console.error(`concierge: unknown command "${name}"\n\n${usage()}`)
    return 2
  }
  const mod = await command.load()
  try {
    return await mod.run(rest)
  } catch (error) {
    if (!isUsageError(error)) throw error
    console.error(`concierge ${name}: ${error.message}\nRun \`concierge ${name} --help\` for its options.`)
    return 2
  }
}

/** An unknown or malformed flag, as node:util parseArgs reports it: the person's mistake, exit code 2. */
function isUsageError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code
  return error instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    printError(error)
    process.exitCode = exitCodeFor(error)
  },
)
