// One heap figure, in a fresh process started with --expose-gc (see runner.ts). Parks N requests behind a
// token endpoint that never answers and prints, as one JSON line, the retained bytes per parked request.
// Subjects: a contender id; `luch-gate` (luch-request holding requests behind one shared promise: what
// luch-request itself costs per parked request); `promise-floor` (a promise whose resolve and reject are held:
// the least any request that waits to be settled later costs); `fast-alloc` (bytes one getToken() on a valid
// token allocates).
import Request from 'luch-request'
import { contenderById } from '../contenders/index.ts'
import { controllerFor } from '../contenders/painless-token.ts'
import type { ContenderInstance } from '../contenders/types.ts'
import { installBenchUni, useTransport } from '../runtime/uni-global.ts'
import { createTransport } from '../transports/index.ts'
import type { Transport } from '../transports/types.ts'

const [subject = '', nArg = '10000'] = process.argv.slice(2)
const n = Number(nArg)
const exposedGc = (globalThis as { gc?: () => void }).gc
if (!exposedGc) throw new Error('run with node --expose-gc')
const gc: () => void = exposedGc
installBenchUni()

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
}
const heapUsed = () => {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

function luchGate(transport: Transport): ContenderInstance {
  useTransport(transport.request)
  const http = new Request({ baseURL: transport.baseURL })
  const gate = new Promise<void>(() => {})
  http.interceptors.request.use((config) => gate.then(() => config))
  return { send: (path = '/api/data') => http.get(path).then((r) => r.statusCode), close: () => {} }
}

// What any settle-later waiter costs at least: its promise and the two resolving functions it must keep.
function promiseFloor(): ContenderInstance {
  const resolvers: unknown[] = []
  const wait = () =>
    new Promise<unknown>((resolve, reject) => {
      resolvers.push(resolve, reject)
    })
  return { send: () => wait().then(() => 200), waitForToken: wait, close: () => {} }
}

async function instanceFor(transport: Transport, hang: boolean): Promise<ContenderInstance> {
  if (subject === 'luch-gate') return luchGate(transport)
  if (subject === 'promise-floor') return promiseFloor()
  if (hang) transport.server.setTokenBehaviour({ tokenFault: 'hang' })
  return contenderById(subject).create({ transport, start: { kind: 'expired' }, maxQueue: 10_000_000 })
}

async function parkedBytes(): Promise<Record<string, unknown>> {
  // Warm-up: the same code paths once, released, so compiled code and feedback are not billed per request.
  const warm = await instanceFor(await createTransport('microtask'), false)
  const warmed: Promise<unknown>[] = []
  if (warm.startRefresh) warmed.push((await warm.startRefresh()).first)
  for (let i = 0; i < 2_000; i++) warmed.push(warm.send())
  if (subject !== 'luch-gate' && subject !== 'promise-floor') await Promise.allSettled(warmed)
  warm.close()

  const instance = await instanceFor(await createTransport('microtask'), true)
  const held: unknown[] = Array.from({ length: n }, () => undefined)
  let sent = 0
  // A client that learns of expiry from a 401 parks the rest behind the refresh its first request started.
  if (instance.startRefresh) held[sent++] = (await instance.startRefresh()).first
  await settle()
  const before = heapUsed()
  // getToken() alone: the promise it returns, not the bench's `then` on it.
  const wait = instance.waitForToken ?? (() => instance.send())
  for (; sent < n; sent++) held[sent] = wait()
  await settle()
  const after = heapUsed()
  let settledEarly = 0
  for (const p of held)
    (p as Promise<unknown>).then(
      () => settledEarly++,
      () => settledEarly++,
    )
  await settle()
  return { subject, n, bytesPerParked: (after - before) / n, heapBefore: before, heapAfter: after, settledEarly }
}

async function fastPathAllocation(): Promise<Record<string, unknown>> {
  const transport = await createTransport('microtask')
  const tokens = controllerFor({ transport, start: { kind: 'valid', token: await transport.server.issue() } }, () =>
    Promise.reject(new Error('no fetch expected')),
  )
  const calls = 5_000
  for (let i = 0; i < 50_000; i++) void tokens.getToken()
  const snapshot = tokens.actor.getSnapshot()
  const bytes = (make: () => unknown): number => {
    const tries: number[] = []
    for (let t = 0; t < 7; t++) {
      gc()
      const before = process.memoryUsage().heapUsed
      for (let i = 0; i < calls; i++) make()
      const after = process.memoryUsage().heapUsed
      if (after >= before) tries.push((after - before) / calls) // a scavenge in between spoils a try
    }
    return Math.min(...tries)
  }
  const perCall = bytes(() => tokens.getToken())
  const promiseAlone = bytes(() => Promise.resolve('token'))
  return {
    subject,
    bytesPerCall: perCall,
    bytesPerResolvedPromise: promiseAlone,
    actorEvents: tokens.actor.getSnapshot() === snapshot ? 0 : 'some',
  }
}

const result = subject === 'fast-alloc' ? await fastPathAllocation() : await parkedBytes()
console.log(JSON.stringify(result))
process.exit(0)
