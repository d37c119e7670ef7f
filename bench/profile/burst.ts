// Where the time of a 10k burst goes: a CPU profile (node:inspector) of painless-token on luch-request, the
// floor and bare luch-request, each over the in-process microtask transport, with every sample's self time
// attributed through the bundle's source map to our code (src/, machines/), XState, luch-request, the bench
// harness, or the runtime (GC, promise jobs, natives). Usage: npm run bench:profile [-- --n 10000 --rounds 5]
import { parseArgs } from 'node:util'
import { Session } from 'node:inspector/promises'
import type { Profiler, Runtime } from 'node:inspector'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { SourceMapConsumer, type RawSourceMap } from 'source-map-js'
import { baseline, contenderById } from '../contenders/index.ts'
import type { Contender } from '../contenders/types.ts'
import { fireBurst } from '../measure/burst.ts'
import { installBenchUni, resetUniStorage } from '../runtime/uni-global.ts'
import { createTransport } from '../transports/index.ts'

type Bucket = 'ours' | 'xstate' | 'luch-request' | 'bench' | 'runtime'
const BUCKETS: Bucket[] = ['ours', 'xstate', 'luch-request', 'bench', 'runtime']

const { values: options } = parseArgs({ options: { n: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '5' } } })
const n = Number(options.n)
const rounds = Number(options.rounds)

const bundleUrl = import.meta.url
const bundle = fileURLToPath(bundleUrl)
const root = path.resolve(path.dirname(bundle), '../../..')
const inlineMap = /\/\/# sourceMappingURL=data:application\/json;base64,(.+)\s*$/.exec(readFileSync(bundle, 'utf8'))
if (!inlineMap) throw new Error('run through scripts/run-ts.mjs: the bundle must carry an inline source map')
const sourceMap = new SourceMapConsumer(JSON.parse(Buffer.from(inlineMap[1] as string, 'base64').toString('utf8')) as RawSourceMap)

function bucketOf(frame: Runtime.CallFrame): { bucket: Bucket | 'profiler'; where: string } {
  // The inspector's own start/stop (a native `dispatch`, about 8 ms even around an empty period) and idle time.
  if (frame.url === '' && (frame.functionName === 'dispatch' || frame.functionName === '(idle)')) return { bucket: 'profiler', where: '' }
  if (frame.url !== bundleUrl) return { bucket: 'runtime', where: `${frame.functionName || '(anonymous)'} ${frame.url}`.trim() }
  const original = sourceMap.originalPositionFor({ line: frame.lineNumber + 1, column: frame.columnNumber })
  // Sources are relative to the bundle's folder (node_modules/.cache/painless-token/).
  const source = original.source ? path.relative(root, path.resolve(path.dirname(bundle), original.source)) : '(unmapped)'
  const where = `${source}:${original.line} ${frame.functionName}`
  if (source.startsWith('node_modules/xstate/')) return { bucket: 'xstate', where }
  if (source.startsWith('node_modules/luch-request/')) return { bucket: 'luch-request', where }
  if (source.startsWith('src/') || source.startsWith('machines/')) return { bucket: 'ours', where }
  return { bucket: 'bench', where }
}

async function profileBurst(session: Session, contender: Contender) {
  const totals: Record<Bucket, number> = { ours: 0, xstate: 0, 'luch-request': 0, bench: 0, runtime: 0 }
  const functions = new Map<string, number>()
  let wallMs = 0
  for (let round = 0; round < rounds + 1; round++) {
    const transport = await createTransport('microtask')
    resetUniStorage()
    // As workload B does: the baseline starts with a valid token, every other contender with an expired one.
    const start = contender === baseline ? { kind: 'valid' as const, token: await transport.server.issue() } : { kind: 'expired' as const }
    const instance = contender.create({ transport, start, maxQueue: 1_000_000 })
    ;(globalThis as { gc?: () => void }).gc?.()
    await session.post('Profiler.start')
    const outcome = await fireBurst(instance, n, 60_000)
    const { profile } = await session.post('Profiler.stop')
    instance.close()
    await transport.close()
    if (outcome.ok !== n) throw new Error(`${contender.id}: ${outcome.ok} of ${n} answered 200 ${JSON.stringify(outcome.failures)}`)
    // Round 0 warms the code paths (and the JIT) and is not counted.
    if (round === 0) continue
    wallMs += outcome.ms
    const byId = new Map(profile.nodes.map((node) => [node.id, node]))
    const deltas = profile.timeDeltas ?? []
    ;(profile.samples ?? []).forEach((id, i) => {
      const node = byId.get(id) as Profiler.ProfileNode
      const ms = (deltas[i] ?? 0) / 1000
      const { bucket, where } = bucketOf(node.callFrame)
      if (bucket === 'profiler') return
      totals[bucket] += ms
      functions.set(`${bucket}  ${where}`, (functions.get(`${bucket}  ${where}`) ?? 0) + ms)
    })
  }
  const per = (ms: number) => ms / rounds
  return {
    wallMs: per(wallMs),
    totals: Object.fromEntries(BUCKETS.map((b) => [b, per(totals[b])])) as Record<Bucket, number>,
    top: [...functions]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([name, ms]) => [name, per(ms)] as const),
  }
}

installBenchUni()
const session = new Session()
session.connect()
await session.post('Profiler.enable')
await session.post('Profiler.setSamplingInterval', { interval: 100 })
const results = []
for (const contender of [baseline, contenderById('luch-floor'), contenderById('painless-token'), contenderById('get-token')])
  results.push({ contender, ...(await profileBurst(session, contender)) })
session.disconnect()

const base = results[0]?.wallMs as number
console.log(
  `CPU profile of one ${n.toLocaleString('en')}-request burst, in-process microtask transport, mean of ${rounds} rounds (ms of self time; sampling 0.1 ms)\n`,
)
console.log(['contender', 'burst wall', 'ratio', ...BUCKETS].join(' | '))
for (const r of results)
  console.log(
    [r.contender.id, r.wallMs.toFixed(0), (r.wallMs / base).toFixed(2) + 'x', ...BUCKETS.map((b) => r.totals[b].toFixed(1))].join(' | '),
  )
for (const r of results) {
  console.log(`\n${r.contender.id}: heaviest functions (self ms per burst)`)
  for (const [name, ms] of r.top) console.log(`  ${ms.toFixed(1).padStart(6)}  ${name}`)
}
