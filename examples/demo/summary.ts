// The end of the demo: the summary table (refreshes ahead, in the background, counted apart), then the checks
// that decide the exit code: every request settled, every rejection a typed TokenError, every phase happened
// (a refresh ahead that nobody waited for among them), and no issued token in the output.
import type { LoadTally } from './load.ts'
import type { Output } from './output.ts'
import type { RefreshTally } from './timeline.ts'

export interface SummaryInput {
  load: LoadTally
  refresh: RefreshTally
  /** Calls the server received on /token, retries included. */
  tokenFetches: number
  /** Every access token the endpoint handed out. Compared against the output, never printed. */
  issuedTokens: ReadonlySet<string>
  /** Whether every request settled before the drain timeout. */
  settled: boolean
  /** Phases whose event never came. */
  missed: readonly string[]
}

/** Prints the table and the verdict line; returns whether the run passed every check. */
export function printSummary(out: Output, input: SummaryInput): boolean {
  const { load, refresh } = input
  const { colour } = out
  const refreshFailed = load.tokenErrors.get('REFRESH_FAILED') ?? 0
  const untyped = sum(load.otherErrors)
  // A 401 answer with a replay left is replayed; a final 401 is one that was not.
  const replayed = load.unauthorized - (load.otherErrors.get('HTTP 401') ?? 0)
  const leakedBefore = leaks(out.captured(), input.issuedTokens)

  const rows: Array<[string, string | number]> = [
    ['requests', load.sent],
    ['  answered', load.ok],
    ['  rejected REFRESH_FAILED', refreshFailed],
    ...[...load.tokenErrors].filter(([code]) => code !== 'REFRESH_FAILED').map(([code, n]): [string, number] => [`  rejected ${code}`, n]),
    ['  rejected, not a TokenError', untyped],
    ['parked (waited for a token)', refresh.parked],
    ['peak queue depth', refresh.peakQueue],
    ['replayed after a 401', replayed],
    ['refreshes (cycles)', refresh.started],
    ['  ahead, in the background', refresh.startedAhead],
    ['  succeeded', refresh.succeeded],
    ['  refreshed ahead, nobody waited', refresh.refreshedAhead],
    ['  token fetches, retries incl.', input.tokenFetches],
    ['failures (cycles out of attempts)', refresh.failed],
    ['  in the background, nobody rejected', refresh.failedAhead],
    ['tokens issued', input.issuedTokens.size],
    ['tokens never printed', leakedBefore === 0 ? 'yes' : `NO (${leakedBefore})`],
  ]
  const labelWidth = Math.max(...rows.map(([label]) => label.length))
  const valueWidth = Math.max(...rows.map(([, value]) => String(value).length))
  const rule = (left: string, middle: string, right: string) =>
    `${left}${'─'.repeat(labelWidth + 2)}${middle}${'─'.repeat(valueWidth + 2)}${right}`
  out.line()
  out.line(colour.bold('summary'))
  out.line(rule('┌', '┬', '┐'))
  for (const [label, value] of rows) out.line(`│ ${label.padEnd(labelWidth)} │ ${String(value).padStart(valueWidth)} │`)
  out.line(rule('└', '┴', '┘'))

  // The table is printed now: scan everything once more, table included.
  const leaked = leaks(out.captured(), input.issuedTokens)
  const problems: string[] = []
  if (!input.settled) problems.push('some requests never settled')
  if (untyped > 0) problems.push(`${untyped} requests rejected without a TokenError code (${describe(load.otherErrors)})`)
  for (const what of input.missed) problems.push(`the scenario missed ${what}`)
  if (leaked > 0) problems.push(`${leaked} issued token(s) appeared in the output`)

  if (problems.length > 0) {
    out.line(colour.red(`✗ ${problems.join('; ')} · exit 1`))
    return false
  }
  out.line(
    colour.green(
      `✓ every request settled (${load.ok} answered, ${refreshFailed} rejected with REFRESH_FAILED); ` +
        `${refresh.refreshedAhead} token${refresh.refreshedAhead === 1 ? '' : 's'} refreshed ahead, nobody waited; ` +
        `tokens never printed (${input.issuedTokens.size} issued, none in the output) · exit 0`,
    ),
  )
  return true
}

function describe(counts: ReadonlyMap<string, number>): string {
  return [...counts].map(([kind, n]) => `${kind}: ${n}`).join(', ')
}

function leaks(text: string, tokens: ReadonlySet<string>): number {
  let count = 0
  for (const token of tokens) if (text.includes(token)) count++
  return count
}

function sum(counts: ReadonlyMap<string, number>): number {
  let total = 0
  for (const n of counts.values()) total += n
  return total
}
