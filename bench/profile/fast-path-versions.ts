// The fast path of this checkout against another one's, interleaved in one process: the same cells as workload A
// (mitata, microtask transport, a full GC before each cell, rounds in a seeded random order) for bare luch-request,
// the floor, painless-token built from this checkout's src/ and painless-token built from the other's. Separate
// runs of `--only a` on a shared 2-core machine differ by more than the difference sought; rounds that interleave
// both versions meet the same load. Figures: each version's ratio to the floor of the same round, and new ÷ old;
// then the controller's own fast path alone (`currentToken()`, what the luch adapter calls, and `getToken()`), ns
// per call, the two versions alternating.
// Usage: node --expose-gc scripts/run-ts.mjs bench/profile/fast-path-versions.ts -- --against <checkout> [--rounds 20] [--min-cpu-ms 250] [--seed n]
import path from 'node:path'
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import Request from 'luch-request'
import { do_not_optimize, measure } from 'mitata/src/lib.mjs'
import * as here from '../../src/index.ts'
import { serializeGrant } from '../../src/grant.ts'
import { baseline } from '../contenders/index.ts'
import { luchFloor } from '../contenders/luch-floor.ts'
import { FAR_FUTURE_MS, type Contender } from '../contenders/types.ts'
import { runRounds } from '../measure/rounds.ts'
import { seededRandom, shuffled } from '../measure/rng.ts'
import { median, spread, type Spread } from '../measure/stats.ts'
import { createChecks } from '../report/checks.ts'
import { installBenchUni, useTransport } from '../runtime/uni-global.ts'
import { timeCell } from '../workloads/fast-path.ts'

type Library = Pick<typeof here, 'createTokenController' | 'attachTokenController' | 'memoryStorage'>

const { values: options } = parseArgs({
  options: {
    against: { type: 'string' },
    rounds: { type: 'string', default: '20' },
    'min-cpu-ms': { type: 'string', default: '250' },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
  },
})
if (!options.against) {
  console.error('usage: … bench/profile/fast-path-versions.ts -- --against <checkout> [--rounds 20] [--min-cpu-ms 250] [--seed n]')
  process.exit(2)
}
const rounds = Number(options.rounds)
const minCpuMs = Number(options['min-cpu-ms'])
const seed = Number(options.seed)

// The other checkout's src/, bundled the way scripts/run-ts.mjs bundles ours (its imports resolve in its own tree).
const otherRoot = path.resolve(options.against)
const outfile = path.resolve('node_modules/.cache/painless-token/fast-path-against.mjs')
// Loaded at run time, not bundled into this script (esbuild cannot bundle itself).
const esbuild = 'esbuild'
const { build } = (await import(esbuild)) as typeof import('esbuild')
await build({
  entryPoints: [path.join(otherRoot, 'src/index.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
})
const there = (await import(pathToFileURL(outfile).href)) as Library

// painless-token on luch-request exactly as bench/contenders/painless-token.ts wires it, from either library.
function painlessOn(lib: Library, id: string, label: string): Contender {
  return {
    id,
    label,
    strict: true,
    create({ transport, start }) {
      if (start.kind !== 'valid') throw new Error('fast path only')
      useTransport(transport.request)
      const http = new Request({ baseURL: transport.baseURL })
      const storage = lib.memoryStorage()
      storage.set('painless-token', serializeGrant({ accessToken: start.token, expiresAt: Date.now() + FAR_FUTURE_MS, refreshToken: null }))
      const tokens = lib.createTokenController({
        fetchToken: (async () => (await http.post('/token', {}, { custom: { auth: false } })).data) as never,
        storage,
      })
      lib.attachTokenController(http as never, tokens as never)
      return { send: (p = '/api/data') => http.get(p).then((response) => response.statusCode), close: () => tokens.stop() }
    },
  }
}

installBenchUni()
const contenders = [
  baseline,
  luchFloor,
  painlessOn(here, 'new', 'painless-token, this checkout'),
  painlessOn(there, 'old', `painless-token, ${otherRoot}`),
]
const checks = createChecks()
const cells = contenders.map((c) => ({ id: c.id, run: () => timeCell(c, 'microtask', minCpuMs, checks) }))
process.stderr.write(`${rounds} rounds of ${cells.length} cells, ≥ ${minCpuMs} ms CPU each, seed ${seed}\n`)
const { samples } = await runRounds(cells, rounds, seededRandom(seed), baseline.id)

const per = (id: string) => samples.get(id)!
const ratios = (a: string, b: string, metric: 'wall' | 'cpu'): Spread => spread(per(a).map((f, i) => f[metric] / per(b)[i]![metric]))
const show = (s: Spread) => `${s.median.toFixed(3)}x [${s.min.toFixed(2)}–${s.max.toFixed(2)}]`
const ns = (id: string, metric: 'wall' | 'cpu') => `${(spread(per(id).map((f) => f[metric])).median / 1000).toFixed(2)} µs`
console.log('| cell | wall per request | CPU per request | wall ÷ floor | CPU ÷ floor |')
console.log('|---|---|---|---|---|')
for (const c of contenders)
  console.log(
    `| ${c.label} | ${ns(c.id, 'wall')} | ${ns(c.id, 'cpu')} | ${show(ratios(c.id, 'luch-floor', 'wall'))} | ${show(ratios(c.id, 'luch-floor', 'cpu'))} |`,
  )
console.log(`\nnew ÷ old, per round: wall ${show(ratios('new', 'old', 'wall'))}, CPU ${show(ratios('new', 'old', 'cpu'))}`)
console.log(`A/A-like check, floor ÷ baseline: wall ${show(ratios('luch-floor', 'baseline', 'wall'))}`)

// The controller alone: a valid token an hour from expiry (outside the soft window), no HTTP client.
function controllerOn(lib: Library) {
  const storage = lib.memoryStorage()
  storage.set('painless-token', serializeGrant({ accessToken: 'x', expiresAt: Date.now() + FAR_FUTURE_MS, refreshToken: null }))
  return lib.createTokenController({ fetchToken: (() => Promise.reject(new Error('no fetch expected'))) as never, storage })
}
const controllers = { new: controllerOn(here), old: controllerOn(there) }
const calls: Record<string, number[]> = {}
const random = seededRandom(seed + 1)
for (let round = 0; round < Math.max(5, Math.round(rounds / 2)); round++) {
  for (const version of shuffled(['new', 'old'] as const, random)) {
    const tokens = controllers[version]
    const timed = [
      [`${version} currentToken()`, () => void do_not_optimize(tokens.currentToken())],
      [`${version} getToken()`, () => void do_not_optimize(tokens.getToken())],
    ] as const
    for (const [name, call] of timed) (calls[name] ??= []).push((await measure(call, { min_cpu_time: 100e6 })).avg)
  }
}
for (const tokens of Object.values(controllers)) tokens.stop()
const perCall = (name: string) =>
  `${median(calls[name]!).toFixed(1)} ns [${Math.min(...calls[name]!).toFixed(1)}–${Math.max(...calls[name]!).toFixed(1)}]`
console.log(`\nper call, median [min–max] over ${calls['new getToken()']!.length} alternating rounds:`)
for (const name of ['new currentToken()', 'old currentToken()', 'new getToken()', 'old getToken()'])
  console.log(`  ${name}: ${perCall(name)}`)

if (checks.violations.length) {
  console.error(checks.violations.join('\n'))
  process.exitCode = 1
}
process.exit(process.exitCode ?? 0)
