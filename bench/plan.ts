// What a run measures: the full plan (at most 10 minutes on 2 cores) or --quick (a smoke run under 90 s).
// Command line: [--quick] [--seed <n>] [--only a,b,c,d,heap]
import type { TransportName } from './transports/types.ts'

export type Workload = 'a' | 'b' | 'c' | 'd' | 'heap'

export interface Plan {
  quick: boolean
  seed: number
  only: Set<Workload>
  fastPath: { transport: TransportName; rounds: number; minCpuMs: number }[]
  burst: { transport: TransportName; sizes: { n: number; rounds: number }[] }[]
  /** A contender whose burst took longer than this is not run again at this N, nor at the next. */
  slowMs: number
  /** Contenders in C and D: all, or (quick) the ones held to correctness. */
  failurePeers: boolean
  /** Requests parked in C, requests in flight in D. */
  failureParked: number
  revocationInFlight: number
  heap: { n: number; contenders: string[]; repeats: number }[]
}

export const USAGE = 'usage: npm run bench -- [--quick] [--seed <n>] [--only a,b,c,d,heap]'

const FULL: Omit<Plan, 'quick' | 'seed' | 'only'> = {
  fastPath: [
    { transport: 'microtask', rounds: 16, minCpuMs: 250 },
    { transport: '5ms', rounds: 3, minCpuMs: 60 },
    { transport: 'http', rounds: 6, minCpuMs: 200 },
  ],
  burst: [
    {
      transport: 'microtask',
      sizes: [
        { n: 1_000, rounds: 9 },
        { n: 10_000, rounds: 5 },
        { n: 100_000, rounds: 3 },
      ],
    },
    {
      transport: '5ms',
      sizes: [
        { n: 1_000, rounds: 5 },
        { n: 10_000, rounds: 3 },
        { n: 100_000, rounds: 2 },
      ],
    },
    {
      transport: 'http',
      sizes: [
        { n: 1_000, rounds: 5 },
        { n: 10_000, rounds: 3 },
      ],
    },
  ],
  slowMs: 5_000,
  failurePeers: true,
  failureParked: 1_000,
  revocationInFlight: 20,
  heap: [
    {
      n: 10_000,
      contenders: ['luch-gate', 'promise-floor', 'seed', 'seed-fixed', 'axios-auth-refresh', 'alova', 'painless-token', 'get-token'],
      repeats: 3,
    },
    { n: 100_000, contenders: ['luch-gate', 'promise-floor', 'painless-token', 'get-token'], repeats: 1 },
  ],
}

const QUICK: Omit<Plan, 'quick' | 'seed' | 'only'> = {
  fastPath: [{ transport: 'microtask', rounds: 4, minCpuMs: 150 }],
  burst: [
    {
      transport: 'microtask',
      sizes: [
        { n: 1_000, rounds: 3 },
        { n: 10_000, rounds: 2 },
      ],
    },
  ],
  slowMs: 5_000,
  failurePeers: false,
  failureParked: 1_000,
  revocationInFlight: 20,
  heap: [{ n: 10_000, contenders: ['luch-gate', 'promise-floor', 'painless-token', 'get-token'], repeats: 1 }],
}

export function parsePlan(argv: readonly string[]): Plan | string {
  let quick = false
  let seed = Date.now() % 2 ** 31
  let only = new Set<Workload>(['a', 'b', 'c', 'd', 'heap'])
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--quick') quick = true
    else if (arg === '--seed') {
      const value = Number(argv[++i])
      if (!Number.isInteger(value)) return `--seed needs an integer\n${USAGE}`
      seed = value
    } else if (arg === '--only') {
      const names = (argv[++i] ?? '').split(',')
      if (names.some((name) => !['a', 'b', 'c', 'd', 'heap'].includes(name))) return `--only takes a,b,c,d,heap\n${USAGE}`
      only = new Set(names as Workload[])
    } else return `unknown argument: ${arg}\n${USAGE}`
  }
  return { quick, seed, only, ...(quick ? QUICK : FULL) }
}
