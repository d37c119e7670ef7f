// Runs heap/child.ts in a fresh `node --expose-gc` per figure, one at a time, so no figure inherits
// another's heap, and takes the median of the repeats.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { median } from '../measure/stats.ts'
import type { Plan } from '../plan.ts'

export interface HeapRow {
  subject: string
  n: number
  bytesPerParked: number
  /** Every repeat's figure. */
  samples: number[]
  /** Requests that settled although the token endpoint never answered (should be 0, or 1 for a trigger). */
  settledEarly: number
}

export interface FastAllocation {
  bytesPerCall: number
  bytesPerResolvedPromise: number
  actorEvents: number | string
}

export async function runHeap(plan: Plan): Promise<{ rows: HeapRow[]; fastPath: FastAllocation }> {
  const rows: HeapRow[] = []
  for (const { n, contenders, repeats } of plan.heap) {
    for (const subject of contenders) {
      const runs: Array<{ bytesPerParked: number; settledEarly: number }> = []
      for (let i = 0; i < repeats; i++)
        runs.push((await runChild([subject, String(n)])) as { bytesPerParked: number; settledEarly: number })
      const samples = runs.map((r) => r.bytesPerParked)
      rows.push({ subject, n, bytesPerParked: median(samples), samples, settledEarly: Math.max(...runs.map((r) => r.settledEarly)) })
    }
  }
  const fastPath = (await runChild(['fast-alloc'])) as FastAllocation
  return { rows, fastPath }
}

function runChild(args: string[]): Promise<unknown> {
  const runner = path.resolve('scripts/run-ts.mjs')
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=4096', runner, path.resolve('bench/heap/child.ts'), ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? ''
      if (code !== 0) return reject(new Error(`heap child ${args.join(' ')} exited ${code}: ${out}`))
      try {
        resolve(JSON.parse(line))
      } catch {
        reject(new Error(`heap child ${args.join(' ')} printed no JSON: ${out}`))
      }
    })
  })
}
