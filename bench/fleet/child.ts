// One process of workload F's fleet, alive for the whole run: `node scripts/run-ts.mjs bench/fleet/child.ts
// <redis url> <token server url>` with an IPC channel. Its own ioredis client; per round, a fresh controller
// (nothing held: the first getToken() refreshes) with or without `redisCoordinator` on the round's key, then R
// concurrent getToken() on "go". It reports times, counts and token hashes, never a token.
import { createHash } from 'node:crypto'
import { Redis } from 'ioredis'
import { createTokenController, type TokenController } from '../../src/index.ts'
import { redisCoordinator } from '../../src/entries/redis.ts'
import { createFetchToken } from '../../test/helpers/token-client.ts'
import { failureLabel } from '../measure/burst.ts'
import type { FromChild, ToChild } from './protocol.ts'

/** Far longer than a round takes (a 50 ms token answer); a request still open then counts as hanging. */
const SETTLE_CAP_MS = 15_000

const [redisUrl = '', tokenUrl = ''] = process.argv.slice(2)
const gc = (globalThis as { gc?: () => void }).gc
const upstream = createFetchToken(tokenUrl)
const client = new Redis(redisUrl)

interface Round {
  round: number
  requests: number
  tokens: TokenController
  fetches: number
  events: Record<string, number>
  fetchSent?: number
  fetchAnswered?: number
}

/** A clock every process on this machine shares, ms. */
const shared = () => performance.timeOrigin + performance.now()
let current: Round | undefined

function tell(message: FromChild): void {
  process.send!(message)
}

function prepare(round: number, key: string, coordinated: boolean, requests: number): Round {
  const state: Round = { round, requests, fetches: 0, events: {}, tokens: undefined as unknown as TokenController }
  state.tokens = createTokenController({
    fetchToken: async ({ attempt, signal }) => {
      state.fetches++
      state.fetchSent ??= shared()
      const answer = await upstream({ attempt, signal: signal as AbortSignal })
      state.fetchAnswered ??= shared()
      return answer
    },
    ...(coordinated ? { coordinator: redisCoordinator(client, { key }) } : {}),
    onEvent: (event) => {
      if (event.type.startsWith('coordinator.') || event.type === 'token.adopted')
        state.events[event.type] = (state.events[event.type] ?? 0) + 1
    },
  })
  return state
}

async function go(state: Round): Promise<void> {
  const failures: Record<string, number> = {}
  const hashes = new Set<string>()
  let ok = 0
  let settled = 0
  let firstSettledAt = 0
  let lastSettledAt = 0
  let allSettled!: () => void
  const done = new Promise<void>((resolve) => (allSettled = resolve))
  const onSettled = () => {
    lastSettledAt = performance.now()
    if (settled === 0) firstSettledAt = lastSettledAt
    if (++settled === state.requests) allSettled()
  }
  const cpu0 = process.cpuUsage()
  const started = performance.now()
  const goAt = shared()
  for (let i = 0; i < state.requests; i++) {
    state.tokens.getToken().then(
      (token) => {
        ok++
        hashes.add(createHash('sha256').update(token).digest('hex').slice(0, 12))
        onSettled()
      },
      (reason: unknown) => {
        const label = failureLabel(reason)
        failures[label] = (failures[label] ?? 0) + 1
        onSettled()
      },
    )
  }
  const firedAt = shared()
  let timer: ReturnType<typeof setTimeout> | undefined
  await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, SETTLE_CAP_MS)))])
  clearTimeout(timer)
  const cpu = process.cpuUsage(cpu0)
  const onShared = (t: number) => goAt + (t - started)
  tell({
    type: 'done',
    round: state.round,
    ms: (settled === state.requests ? lastSettledAt : performance.now()) - started,
    cpuMs: (cpu.user + cpu.system) / 1000,
    ok,
    failures,
    hanging: state.requests - settled,
    tokenHashes: [...hashes],
    fetches: state.fetches,
    events: state.events,
    at: {
      go: goAt,
      fired: firedAt,
      ...(state.fetchSent === undefined ? {} : { fetchSent: state.fetchSent }),
      ...(state.fetchAnswered === undefined ? {} : { fetchAnswered: state.fetchAnswered }),
      firstSettled: onShared(firstSettledAt),
      lastSettled: onShared(settled === state.requests ? lastSettledAt : performance.now()),
    },
  })
}

async function handle(message: ToChild): Promise<void> {
  if (message.type === 'prepare') {
    current = prepare(message.round, message.key, message.coordinated, message.requests)
    await current.tokens.ready()
    // Outside the timing: every round starts from a collected heap.
    gc?.()
    tell({ type: 'ready', round: message.round })
  } else if (message.type === 'go') {
    const state = current!
    await go(state)
    state.tokens.stop()
    current = undefined
    // The coordinator closes its connection without a promise to await; a few turns let it go before the parent
    // counts the round's Redis commands.
    await new Promise((resolve) => setTimeout(resolve, 20))
    tell({ type: 'stopped', round: state.round })
  } else {
    current?.tokens.stop()
    await client.quit().catch(() => undefined)
    // Keep-alive sockets to the token server would hold the process open for seconds.
    process.exit(0)
  }
}

process.on('message', (message: ToChild) => {
  handle(message).catch((error: unknown) => tell({ type: 'failed', message: error instanceof Error ? error.message : String(error) }))
})
client.once('ready', () => tell({ type: 'hello' }))
client.on('error', (error: Error) => tell({ type: 'failed', message: `redis: ${error.message}` }))
