// The demo's command line: `--duration <s>` (how long the whole story takes) and `--concurrency <n>`
// (requests per burst). Both also accept `--name=value`. A bad value is an error, never clamped silently.

export interface DemoArgs {
  durationMs: number
  concurrency: number
}

export const DEFAULT_ARGS: DemoArgs = { durationMs: 8_000, concurrency: 50 }

export const USAGE = `usage: npm run demo -- [--duration <seconds>] [--concurrency <requests per burst>]
  --duration      how long the scenario runs, 2 to 120 s (default ${DEFAULT_ARGS.durationMs / 1000})
  --concurrency   requests fired at once in each burst, 1 to 2000 (default ${DEFAULT_ARGS.concurrency})`

export type ParsedArgs = { kind: 'run'; args: DemoArgs } | { kind: 'help' } | { kind: 'error'; message: string }

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const args: DemoArgs = { ...DEFAULT_ARGS }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--help' || arg === '-h') return { kind: 'help' }
    const match = /^--(duration|concurrency)(?:=(.*))?$/.exec(arg)
    if (!match) return { kind: 'error', message: `unknown argument: ${arg}` }
    const name = match[1] as 'duration' | 'concurrency'
    const raw = match[2] ?? argv[++i]
    if (raw === undefined) return { kind: 'error', message: `--${name} needs a value` }
    const value = Number(raw)
    if (name === 'duration') {
      if (!(value >= 2 && value <= 120)) return { kind: 'error', message: `--duration must be a number of seconds from 2 to 120, got ${raw}` }
      args.durationMs = Math.round(value * 1000)
    } else {
      if (!Number.isInteger(value) || value < 1 || value > 2000) {
        return { kind: 'error', message: `--concurrency must be an integer from 1 to 2000, got ${raw}` }
      }
      args.concurrency = value
    }
  }
  return { kind: 'run', args }
}
