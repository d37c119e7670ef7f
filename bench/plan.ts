// What a run measures: the full plan (11–14 minutes on a quiet 2-core machine) or --quick (a smoke run, about 2 min).
// Command line: [--quick] [--seed <n>] [--only a,b,c,d,e,f,heap]
import type { TransportName } from './transports/types.ts'

export type Workload = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'heap'

export const WORKLOADS: readonly Workload[] = ['a', 'b', 'c', 'd', 'e', 'f', 'heap']

/** E, routine expiries: steady load across `expiries` token lifetimes, in real time. */
export interface ExpiryPlan {
  transports: TransportName[]
  /** How long the server's tokens live, ms; the run lasts `expiries + 0.5` lifetimes after the first token. */
  lifetimeMs: number
  expiries: number
  /** Requests sent per second, at a fixed pace whatever the answers do (an open loop). */
  ratePerSecond: number
  /** The token endpoint's answer time, ms. */
  tokenDelayMs: number
  /** painless-token's leeway, scaled down with the lifetime (the default 30 s is longer than these tokens live). */
  leewayMs: number
  /** All contenders, or (quick) the baseline and painless-token's two settings. */
  peers: boolean
}

/** F, a fleet: P child processes sharing one expired token through a real redis-server. */
export interface FleetPlan {
  /** Fleet sizes P: that many child processes, spawned once for the run. */
  processes: number[]
  /** Concurrent getToken() per process, R. */
  requests: number[]
  /** Interleaved rounds per (P, R), after a warm-up round; each round runs every mode once. */
  rounds: number
  /** The token endpoint's answer time, ms (an upstream like WeChat's). */
  tokenDelayMs: number
  /** The fast path with a coordinator configured, timed as workload A times it. */
  fastPath: { rounds: number; minCpuMs: number }
}

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
  expiry: ExpiryPlan
  fleet: FleetPlan
}

export const USAGE = 'usage: npm run bench -- [--quick] [--seed <n>] [--only a,b,c,d,e,f,heap]'

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
  expiry: {
    transports: ['microtask', 'http'],
    lifetimeMs: 1_000,
    expiries: 10,
    ratePerSecond: 200,
    tokenDelayMs: 30,
    leewayMs: 100,
    peers: true,
  },
  fleet: { processes: [1, 2, 4, 8], requests: [100, 1_000], rounds: 20, tokenDelayMs: 50, fastPath: { rounds: 10, minCpuMs: 200 } },
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
  expiry: {
    transports: ['microtask', 'http'],
    lifetimeMs: 600,
    expiries: 10,
    ratePerSecond: 200,
    tokenDelayMs: 30,
    leewayMs: 100,
    peers: false,
  },
  fleet: { processes: [1, 2, 4, 8], requests: [100, 1_000], rounds: 3, tokenDelayMs: 50, fastPath: { rounds: 4, minCpuMs: 100 } },
}

export function parsePlan(argv: readonly string[]): Plan | string {
  let quick = false
  let seed = Date.now() % 2 ** 31
  let only = new Set<Workload>(WORKLOADS)
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--quick') quick = true
    else if (arg === '--seed') {
      const value = Number(argv[++i])
      if (!Number.isInteger(value)) return `--seed needs an integer\n${USAGE}`
      seed = value
    } else if (arg === '--only') {
      const names = (argv[++i] ?? '').split(',')
      if (names.some((name) => !WORKLOADS.includes(name as Workload))) return `--only takes ${WORKLOADS.join(',')}\n${USAGE}`
      only = new Set(names as Workload[])
    } else return `unknown argument: ${arg}\n${USAGE}`
  }
  return { quick, seed, only, ...(quick ? QUICK : FULL) }
}
