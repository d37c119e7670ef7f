// The demo's command line: `--duration <s>` (how long the whole story takes), `--concurrency <n>`
// (requests per burst) and `--trace <file>` (write the run's states and events as JSON for the visualizer).
// All also accept `--name=value`. A bad value is an error, never clamped silently.

export interface DemoArgs {
  durationMs: number
  concurrency: number
  /** Where to write the trace; none when undefined. */
  trace?: string
}

export const DEFAULT_ARGS: DemoArgs = { durationMs: 8_000, concurrency: 50 }

export const USAGE = `usage: npm run demo -- [--duration <seconds>] [--concurrency <requests per burst>] [--trace <file>]
  --duration      how long the scenario runs, 2 to 120 s (default ${DEFAULT_ARGS.durationMs / 1000})
  --concurrency   requests fired at once in each burst, 1 to 2000 (default ${DEFAULT_ARGS.concurrency})
  --trace         write the machine's states and the controller's events (no tokens) as JSON, for the visualizer`

export type ParsedArgs = { kind: 'run'; args: DemoArgs } | { kind: 'help' } | { kind: 'error'; message: string }

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const args: DemoArgs = { ...DEFAULT_ARGS }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--help' || arg === '-h') return { kind: 'help' }
    const match = /^--(duration|concurrency|trace)(?:=(.*))?$/.exec(arg)
    if (!match) return { kind: 'error', message: `unknown argument: ${arg}` }
    const name = match[1] as 'duration' | 'concurrency' | 'trace'
    const raw = match[2] ?? argv[++i]
    if (raw === undefined) return { kind: 'error', message: `--${name} needs a value` }
    if (name === 'trace') {
      if (raw === '' || raw.startsWith('--')) return { kind: 'error', message: `--trace needs a file name, got ${raw || 'nothing'}` }
      args.trace = raw
      continue
    }
    const value = Number(raw)
    if (name === 'duration') {
      if (!(value >= 2 && value <= 120))
        return { kind: 'error', message: `--duration must be a number of seconds from 2 to 120, got ${raw}` }
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
