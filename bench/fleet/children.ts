// Workload F's child processes: spawned once per run, one after another (each builds child.ts through
// scripts/run-ts.mjs into the same cache file, so they must not build at once), kept until the run ends.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import type { FromChild, ToChild } from './protocol.ts'

/** Far more than a step takes; a child silent this long is broken, and the run says so rather than hang. */
const STEP_CAP_MS = 30_000

export interface FleetChild {
  send(message: ToChild): void
  /** The next message of this type (for this round); rejects on a `failed` message, an exit or the cap. */
  next<T extends FromChild['type']>(type: T, round?: number): Promise<Extract<FromChild, { type: T }>>
  close(): Promise<void>
}

export async function spawnChildren(count: number, redisUrl: string, tokenUrl: string): Promise<FleetChild[]> {
  const children: FleetChild[] = []
  try {
    for (let i = 0; i < count; i++) {
      const child = spawnChild(redisUrl, tokenUrl)
      children.push(child)
      await child.next('hello')
    }
  } catch (error) {
    await Promise.all(children.map((c) => c.close()))
    throw error
  }
  return children
}

function spawnChild(redisUrl: string, tokenUrl: string): FleetChild {
  const runner = path.resolve('scripts/run-ts.mjs')
  const process_: ChildProcess = spawn(
    process.execPath,
    ['--expose-gc', runner, path.resolve('bench/fleet/child.ts'), redisUrl, tokenUrl],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  )
  const inbox: FromChild[] = []
  const waiting: Array<() => void> = []
  let ended: Error | undefined
  const wake = () => {
    for (const w of waiting.splice(0)) w()
  }
  process_.on('message', (message: FromChild) => {
    inbox.push(message)
    wake()
  })
  process_.once('exit', (code, signal) => {
    ended = new Error(`fleet child exited (${signal ?? code})`)
    wake()
  })
  return {
    send(message) {
      process_.send(message)
    },
    async next(type, round) {
      const until = performance.now() + STEP_CAP_MS
      for (;;) {
        const failed = inbox.find((m) => m.type === 'failed')
        if (failed) throw new Error(`fleet child: ${(failed as { message: string }).message}`)
        const at = inbox.findIndex((m) => m.type === type && (round === undefined || (m as { round?: number }).round === round))
        if (at !== -1) return inbox.splice(at, 1)[0] as never
        if (ended) throw ended
        const left = until - performance.now()
        if (left <= 0) throw new Error(`fleet child: no '${type}' within ${STEP_CAP_MS} ms`)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left)
          waiting.push(() => {
            clearTimeout(timer)
            resolve()
          })
        })
      }
    },
    async close() {
      if (process_.exitCode !== null || process_.signalCode !== null) return
      const exited = new Promise<void>((resolve) => process_.once('exit', () => resolve()))
      if (process_.connected) process_.send({ type: 'exit' } satisfies ToChild)
      const timer = setTimeout(() => process_.kill('SIGKILL'), 3_000)
      await exited
      clearTimeout(timer)
    },
  }
}
