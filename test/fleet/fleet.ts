// Runs a fleet of worker processes: worker.ts bundled once per test file by esbuild (ioredis and redis left as
// packages, found through NODE_PATH), each worker a real `node` child (child_process.fork) spoken to over IPC.
import { fork, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'
import type { BurstResult, ForwardedEvent, ParentMessage, WorkerConfig, WorkerMessage } from './protocol.ts'

let bundled: Promise<{ file: string; dir: string }> | undefined

/** The worker as one CommonJS file in a temp dir (built once per test file; `disposeBundle()` removes it). */
export function bundleWorker(): Promise<{ file: string; dir: string }> {
  bundled ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'painless-fleet-'))
    const file = join(dir, 'worker.cjs')
    await build({
      entryPoints: [resolve('test/fleet/worker.ts')],
      bundle: true,
      outfile: file,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
    })
    return { file, dir }
  })()
  return bundled
}

export async function disposeBundle(): Promise<void> {
  if (!bundled) return
  const { dir } = await bundled
  rmSync(dir, { recursive: true, force: true })
  bundled = undefined
}

// A message without its sequence number, kept per member of the union.
type Unsequenced = ParentMessage extends infer M ? (M extends { seq: number } ? Omit<M, 'seq'> : never) : never

export interface Worker {
  readonly id: string
  readonly pid: number
  readonly child: ChildProcess
  /** Events the worker forwarded (coordinator.*, token.adopted), in arrival order. */
  readonly events: ForwardedEvent[]
  /** Messages of crashes, uncaught errors and unhandled rejections inside the worker. */
  readonly crashes: string[]
  burst(count: number, at?: number): Promise<BurstResult>
  loop(everyMs: number, until: number): Promise<BurstResult>
  ping(): Promise<boolean>
  timeline(): Promise<number[]>
  /** Resolves once an event of `type` has arrived (at most `timeoutMs`). */
  whenEvent(type: string, timeoutMs?: number): Promise<ForwardedEvent>
  readonly exited: Promise<number | null>
  close(): Promise<void>
}

export async function startWorker(config: WorkerConfig): Promise<Worker> {
  const { file } = await bundleWorker()
  const child = fork(file, [JSON.stringify(config)], {
    env: { ...process.env, NODE_PATH: resolve('node_modules'), NODE_OPTIONS: '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const events: ForwardedEvent[] = []
  const crashes: string[] = []
  const pending = new Map<number, (result: unknown) => void>()
  const eventWatchers = new Set<(event: ForwardedEvent) => boolean>()
  let seq = 0
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  const ready = new Promise<number>((done, fail) => {
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') done(message.pid)
      else if (message.type === 'reply') {
        pending.get(message.seq)?.(message.result)
        pending.delete(message.seq)
      } else if (message.type === 'event') {
        events.push(message.event)
        for (const watcher of eventWatchers) if (watcher(message.event)) eventWatchers.delete(watcher)
      } else if (message.type === 'crash') {
        crashes.push(message.message)
        fail(new Error(`worker ${config.id}: ${message.message}`))
      }
    })
    exited.then((code) => fail(new Error(`worker ${config.id} exited (${code}) before it was ready`)))
  })
  const pid = await ready

  function ask<T>(message: Unsequenced): Promise<T> {
    const id = ++seq
    return new Promise<T>((done, fail) => {
      pending.set(id, done as (result: unknown) => void)
      exited.then((code) => fail(new Error(`worker ${config.id} exited (${code}) before answering ${message.type}`)))
      child.send({ ...message, seq: id } as ParentMessage)
    })
  }

  return {
    id: config.id,
    pid,
    child,
    events,
    crashes,
    burst: (count, at) => ask({ type: 'burst', count, at }),
    loop: (everyMs, until) => ask({ type: 'loop', everyMs, until }),
    ping: () => ask<{ ok: boolean }>({ type: 'ping' }).then((reply) => reply.ok),
    timeline: () => ask({ type: 'timeline' }),
    whenEvent(type, timeoutMs = 5_000) {
      const seen = events.find((event) => event.type === type)
      if (seen) return Promise.resolve(seen)
      return new Promise((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`worker ${config.id}: no ${type} within ${timeoutMs} ms`)), timeoutMs)
        eventWatchers.add((event) => {
          if (event.type !== type) return false
          clearTimeout(timer)
          done(event)
          return true
        })
      })
    },
    exited,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return
      if (child.connected) ask({ type: 'close' }).catch(() => {})
      const timer = setTimeout(() => child.kill('SIGKILL'), 1_500)
      await exited
      clearTimeout(timer)
    },
  }
}

/** Starts `count` workers (ids '0', '1', …) in parallel from one config. */
export function startFleet(count: number, config: (id: string) => WorkerConfig): Promise<Worker[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => startWorker(config(String(i)))))
}

/** Closes every worker still running (a stopped one is continued first, so that it can exit). */
export async function closeFleet(workers: readonly Worker[]): Promise<void> {
  await Promise.all(
    workers.map((worker) => {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGCONT')
      return worker.close()
    }),
  )
}

/** Every worker fires `count` requests at the same instant (a little ahead, so that all have the message). */
export function burstAll(workers: readonly Worker[], count: number, delayMs = 100): Promise<BurstResult[]> {
  const at = Date.now() + delayMs
  return Promise.all(workers.map((worker) => worker.burst(count, at)))
}

/** Sums bursts: requests sent and ok, answers by status, raw 401s, failures by code, and the token ids seen. */
export function total(results: readonly BurstResult[]) {
  const failed: Record<string, number> = {}
  const statuses: Record<string, number> = {}
  const ids = new Set<number>()
  let sent = 0
  let ok = 0
  let raw401 = 0
  for (const result of results) {
    sent += result.sent
    ok += result.ok
    raw401 += result.raw401
    for (const id of result.tokenIds) ids.add(id)
    for (const [code, n] of Object.entries(result.failed)) failed[code] = (failed[code] ?? 0) + n
    for (const [status, n] of Object.entries(result.statuses)) statuses[status] = (statuses[status] ?? 0) + n
  }
  return { sent, ok, statuses, raw401, failed, tokenIds: [...ids].sort((a, b) => a - b) }
}

/** How requests settled, to compare whole with `allOk(n)`: a failure or a non-200 answer shows in the diff. */
export function settled(summary: ReturnType<typeof total>) {
  const { sent, ok, statuses, failed } = summary
  return { sent, ok, statuses, failed }
}

/** `n` requests sent, all answered 200 by the API, none rejected. */
export function allOk(n: number) {
  return { sent: n, ok: n, statuses: { '200': n }, failed: {} }
}

/** The coordinator.unavailable events the workers reported (engine calls that timed out or failed). */
export function unavailableEvents(workers: readonly Worker[]) {
  return workers.flatMap((worker) =>
    worker.events.filter((event) => event.type === 'coordinator.unavailable').map((event) => ({ worker: worker.id, ...event })),
  )
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, Math.max(0, ms)))
}

/** The process state letter from /proc (R, S, T for stopped …); '' once it is gone. */
export function processState(pid: number): string {
  try {
    return /\) (\w) /.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1] ?? ''
  } catch {
    return ''
  }
}

/** Polls `check` every 20 ms until it is true, or fails after `timeoutMs` naming `what`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(20)
  }
}
