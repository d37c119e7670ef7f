// `npm run demo`: a token + API server on 127.0.0.1, the real luch-request on a Node `uni` runtime, and
// the token controller between them, through expiries (refreshed ahead), a revocation, a flaky and a dead token endpoint.
// Prints a timeline and a summary; exits 0 only if every request settled and no token was printed.
import { createUniShim, installUniShim } from '../../test/helpers/uni-shim.ts'
import { startTokenServer } from '../../test/helpers/token-server.ts'
import { createApp } from './app.ts'
import { USAGE, parseArgs } from './args.ts'
import { createEventHub } from './events.ts'
import { createLoad } from './load.ts'
import { createOutput } from './output.ts'
import { planFor, runScenario } from './scenario.ts'
import { printSummary } from './summary.ts'
import { createTimeline } from './timeline.ts'
import { startTrace } from './trace.ts'

const parsed = parseArgs(process.argv.slice(2))
if (parsed.kind === 'help') {
  console.log(USAGE)
} else if (parsed.kind === 'error') {
  console.error(`${parsed.message}\n${USAGE}`)
  process.exitCode = 2
} else {
  process.exitCode = (await main(parsed.args.durationMs, parsed.args.concurrency, parsed.args.trace)) ? 0 : 1
}

async function main(durationMs: number, concurrency: number, tracePath: string | undefined): Promise<boolean> {
  const out = createOutput()
  const plan = planFor(durationMs, concurrency)
  const issuedTokens = new Set<string>()
  const server = await startTokenServer({ ttlSeconds: plan.ttlMs / 1000, expiryGraceMs: plan.ttlMs })
  const shim = createUniShim()
  const uninstallShim = installUniShim(shim)
  const events = createEventHub()
  const timeline = createTimeline(out, plan)
  events.on(timeline.onEvent)

  const { http, tokens } = createApp({
    baseURL: server.url,
    leewayMs: plan.leewayMs,
    retry: { attempts: plan.attempts, baseDelayMs: plan.baseDelayMs },
    onEvent: events.emit,
    onTokenIssued: (token) => void issuedTokens.add(token),
    onAnswer: (status) => {
      if (status === 401) load.tally.unauthorized++
    },
  })
  const load = createLoad(http, concurrency)
  timeline.watch(tokens)
  const trace = tracePath === undefined ? undefined : startTrace(tokens, events)

  const { colour } = out
  out.line(colour.bold('painless-token demo') + colour.dim(' · real luch-request on a Node uni runtime · tokens shown only as "token #n"'))
  out.line(
    colour.dim(
      `server ${server.url} · ${seconds(durationMs)} · ${concurrency} per burst · token TTL ${plan.ttlMs} ms, ` +
        `soft window ${plan.aheadMs} ms, leeway ${plan.leewayMs} ms · ${plan.attempts} attempts, backoff base ${plan.baseDelayMs} ms, full jitter`,
    ),
  )
  out.line(colour.dim(`${'time'.padStart(9)}  ${'state'.padEnd(28)}detail`))

  let passed = false
  try {
    const missed = await runScenario({ plan, server, load, timeline, events })
    const settled = await load.drain(5_000)
    const stored = shim.storage.has('painless-token')
      ? `uni storage holds token #${timeline.tally.generation} for the next launch`
      : 'uni storage is empty'
    timeline.note(`${stored}; ${seconds(timeline.elapsed())} in all`)
    if (trace && tracePath !== undefined) timeline.note(`trace written to ${trace.write(tracePath)} (open it in the visualizer)`)
    passed = printSummary(out, {
      load: load.tally,
      refresh: timeline.tally,
      tokenFetches: server.calls('/token'),
      issuedTokens,
      settled,
      missed,
    })
  } finally {
    tokens.stop()
    shim.close()
    uninstallShim()
    await server.close()
    out.release()
  }
  return passed
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}
