// What one parked request costs the machine and the controller, without an HTTP client: CPU µs per `token.get`
// sent straight to the actor (prebuilt waiters, so XState's event processing alone), per `getToken()` that parks
// (waiter, promise, event, XState), and the bytes each allocates. Interleaved repeats; the minimum and median.
// Usage: node --expose-gc scripts/run-ts.mjs bench/profile/park-event.ts [--n 10000 --repeats 20]
import { parseArgs } from 'node:util'
import { createActor, fromCallback } from 'xstate'
import { tokenMachine } from '../../machines/token.machine.ts'
import type { Waiter } from '../../machines/token.types.ts'
import { createTokenController } from '../../src/index.ts'

const { values: options } = parseArgs({ options: { n: { type: 'string', default: '10000' }, repeats: { type: 'string', default: '20' } } })
const n = Number(options.n)
const repeats = Number(options.repeats)
const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with node --expose-gc')

/** The least a waiter can be: the machine only reads `settled` and calls resolve/reject. */
class BareWaiter implements Waiter {
  settled = false
  constructor(
    readonly id: number,
    readonly deadline: number,
  ) {}
  resolve(): boolean {
    this.settled = true
    return true
  }
  reject(): boolean {
    this.settled = true
    return true
  }
}

interface Sample {
  cpuUs: number
  bytes: number
}

/** The machine in refreshing.fetching (a fetch that never answers), then n token.get events. */
function machineAlone(): Sample {
  const machine = tokenMachine.provide({ actors: { fetchToken: fromCallback(() => () => {}) } })
  const actor = createActor(machine, { input: { maxQueue: n + 1 } }).start()
  actor.send({ type: 'token.hydrated', grant: null, at: 0 })
  actor.send({ type: 'token.get', waiter: new BareWaiter(0, Number.MAX_SAFE_INTEGER), at: 0 })
  const events = Array.from({ length: n }, (_, i) => ({
    type: 'token.get' as const,
    waiter: new BareWaiter(i + 1, Number.MAX_SAFE_INTEGER),
    at: 0,
  }))
  return timed(
    () => {
      for (const event of events) actor.send(event)
    },
    () => actor.stop(),
  )
}

/** A controller whose fetch never answers: n getToken() calls, each parking. */
function getTokenParks(): Sample {
  const tokens = createTokenController({ fetchToken: () => new Promise(() => {}), maxQueue: n + 1 })
  tokens.getToken().catch(() => {})
  const promises: Promise<string>[] = []
  return timed(
    () => {
      for (let i = 0; i < n; i++) promises.push(tokens.getToken())
    },
    () => {
      tokens.stop()
      for (const promise of promises) promise.catch(() => {})
    },
  )
}

function timed(run: () => void, cleanUp: () => void): Sample {
  gc!()
  const heapBefore = process.memoryUsage().heapUsed
  const cpuBefore = process.cpuUsage()
  run()
  const cpu = process.cpuUsage(cpuBefore)
  // Allocated, as far as a young generation that did not fill up can tell (run with --max-semi-space-size=64).
  const bytes = process.memoryUsage().heapUsed - heapBefore
  cleanUp()
  return { cpuUs: (cpu.user + cpu.system) / n, bytes: bytes / n }
}

const cells = { 'machine alone (actor.send)': machineAlone, 'getToken() parks': getTokenParks }
const samples = new Map<string, Sample[]>(Object.keys(cells).map((name) => [name, []]))
for (let repeat = 0; repeat <= repeats; repeat++) {
  const order = repeat % 2 === 0 ? Object.entries(cells) : Object.entries(cells).reverse()
  for (const [name, cell] of order) {
    const sample = cell()
    // Repeat 0 warms the JIT.
    if (repeat > 0) samples.get(name)!.push(sample)
  }
}
const sorted = (values: number[]) => [...values].sort((a, b) => a - b)
console.log(
  `${n.toLocaleString('en')} parks per repeat, ${repeats} repeats: CPU µs per park (min / median), bytes allocated per park (median)`,
)
for (const [name, list] of samples) {
  const cpu = sorted(list.map((s) => s.cpuUs))
  const bytes = sorted(list.map((s) => s.bytes))
  const median = (values: number[]) => values[values.length >> 1] as number
  console.log(`${name.padEnd(28)} ${cpu[0]!.toFixed(2)} / ${median(cpu).toFixed(2)} µs   ${median(bytes).toFixed(0)} B`)
}
