// `npm run bench [-- --quick]`: every contender on the same transports in one process, workloads A–E, heap
// children and the fleet (F: child processes sharing a token through a real redis-server), tables on stdout,
// results.json written. Exits 1 when a strict contender (painless-token, the baseline) made a wrong token call, got a
// wrong answer or left a request hanging, and when the fleet refreshed more than once per expiry or saw two tokens.
import { execSync } from 'node:child_process'
import os from 'node:os'
import { installBenchUni } from './runtime/uni-global.ts'
import { runHeap } from './heap/runner.ts'
import { seededRandom } from './measure/rng.ts'
import { parsePlan, WORKLOADS } from './plan.ts'
import { createChecks } from './report/checks.ts'
import { writeResults, writeResultsMarkdown } from './report/results-file.ts'
import { renderTables, type RunResults } from './report/tables.ts'
import { runBurst } from './workloads/burst.ts'
import { runExpiry } from './workloads/expiry.ts'
import { runFailure } from './workloads/failure.ts'
import { runFastPath, timeGetTokenCall } from './workloads/fast-path.ts'
import { runFleet } from './workloads/fleet.ts'
import { runRevocation } from './workloads/revocation.ts'

const plan = parsePlan(process.argv.slice(2))
if (typeof plan === 'string') {
  console.error(plan)
  process.exit(2)
}

installBenchUni()
const started = performance.now()
const random = seededRandom(plan.seed)
const checks = createChecks()
const progress = (what: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0)} s] ${what}\n`)
const meta: Record<string, unknown> = {
  command: `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`,
  quick: plan.quick,
  seed: plan.seed,
  date: new Date().toISOString(),
  node: process.version,
  nproc: cpuCount(),
  cpu: os.cpus()[0]?.model ?? 'unknown',
  gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
  loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
  // Which code was measured: the commit, and whether src/ or machines/ differed from it.
  git: gitState(),
}
const results: RunResults = { meta, violations: checks.violations }

if (plan.only.has('a')) {
  progress('A fast path')
  results.fastPath = await runFastPath(plan, random, checks)
  results.getTokenCall = await timeGetTokenCall(plan.quick ? 1 : 3)
}
if (plan.only.has('b')) {
  progress('B burst')
  const { results: burst, growth } = await runBurst(plan, random, checks)
  results.burst = burst
  results.growth = growth
}
if (plan.only.has('heap')) {
  progress('B heap (child processes)')
  results.heap = await runHeap(plan)
}
if (plan.only.has('c')) {
  progress('C failure')
  results.failure = await runFailure(plan, checks)
}
if (plan.only.has('d')) {
  progress('D revocation')
  results.revocation = await runRevocation(plan, checks)
}
if (plan.only.has('e')) {
  progress('E routine expiries (real time)')
  results.expiry = await runExpiry(plan, random, checks)
}
if (plan.only.has('f')) {
  progress('F fleet (child processes, redis-server)')
  results.fleet = await runFleet(plan, random, checks)
}
meta.loadAverageAtEnd = os.loadavg().map((l) => Number(l.toFixed(2)))
meta.seconds = Number(((performance.now() - started) / 1000).toFixed(1))

const tables = renderTables(results)
console.log(tables)
const header =
  `Command \`${meta.command}\` · ${meta.date} · Node ${meta.node} · ${meta.nproc} × ${meta.cpu} · ` +
  `load average ${(meta.loadAverageAtStart as number[]).join(' ')} at start, ${(meta.loadAverageAtEnd as number[]).join(' ')} at end · ` +
  `code ${meta.git} · seed ${meta.seed} · ${meta.seconds} s`
console.log(`\n${header}`)
const file = writeResults(results, plan.quick)
console.log(`results: ${file}`)
if (!plan.quick && plan.only.size === WORKLOADS.length) console.log(`tables: ${writeResultsMarkdown(header, tables)}`)

if (checks.violations.length > 0) {
  console.error(`\n${checks.violations.length} correctness violation(s):`)
  for (const v of checks.violations) console.error(`  ✗ ${v}`)
  process.exitCode = 1
} else {
  console.log('\ncorrectness: every strict check passed (token calls, answers, nothing left hanging)')
}
// Servers and sockets are closed; hanging peers' promises (the seed's, alova's) must not keep us alive.
process.exit(process.exitCode ?? 0)

function gitState(): string {
  try {
    const head = execSync('git rev-parse --short HEAD', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    const dirty = execSync('git status --porcelain -- src machines', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    return dirty ? `${head} + uncommitted changes in src/ or machines/` : head
  } catch {
    return 'unknown'
  }
}

function cpuCount(): number {
  try {
    return Number(execSync('nproc', { encoding: 'utf8' }).trim())
  } catch {
    return os.availableParallelism()
  }
}
