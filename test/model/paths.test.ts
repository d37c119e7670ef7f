// Model-based tests: the real token machine is the model. @xstate/graph's TestModel generates paths
// (shortest paths to every state, and every simple path through a refresh cycle); each path runs
// against the real controller and is checked step by step on what the controller does. Then: the paths
// together visit every state node and take every transition of the machine's definition.
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { REFRESH_AHEAD_MS, createTokenModel, eventLabel, statePath, type ModelConfig, type TokenSnapshot } from './model.ts'
import { replayPath, runPath, type PathRecord, type TokenPath } from './run-path.ts'
import { useFakeTimersExceptImmediate } from './system.ts'
import { allStateNodes, allTransitions } from './transitions.ts'

const OPTIONS = {
  leewayMs: 30_000,
  refreshAheadMs: REFRESH_AHEAD_MS,
  fetchTimeoutMs: 1_000,
  // Far longer than all fetch timeouts and backoffs of a path: a wait deadline passes only when a step says so.
  waitTimeoutMs: 600_000,
  retry: { attempts: 2, baseDelayMs: 100, maxDelayMs: 1_000, jitter: false as const },
}

/** The app's lifecycle and the network: setAppVisible / setOnline. Its own model below, or paths multiply. */
const LIFECYCLE = ['app.show', 'app.hide', 'network.online', 'network.offline']

/**
 * Everything the system can do, two parked requests at most: shortest paths to each of its states. With a
 * cool-down, so a failed cycle cools down first (the refresh cycle below, without one, takes the other branch).
 * Tokens fresh, due ahead (a background cycle, its failure and rest) and stale; another instance's token (newer,
 * stale, the same version) in every state; the lifecycle has its own model.
 */
const EVERYTHING: ModelConfig = {
  name: 'everything',
  options: { ...OPTIONS, maxQueue: 2, retry: { ...OPTIONS.retry, cooldownMs: 500 } },
  hydrated: ['fresh', 'stale', 'none', 'garbage'],
  succeeded: ['fresh', 'ahead', 'stale'],
  failed: ['error', 'retryAfter', 'malformed', 'loginRequired'],
  shared: ['newer', 'stale', 'same'],
  selfLoops: true,
  byTransition: true,
  without: LIFECYCLE,
}

/**
 * Hidden, shown, offline, online, around a background refresh: a token due ahead, requests, fetch failures and
 * backoffs, one parked request at most. Shortest paths to each state, every transition taken: retries that pause
 * (offline, or hidden with nobody parked) and resume, show and online refreshing a token due ahead.
 */
const LIFECYCLE_AHEAD: ModelConfig = {
  name: 'lifecycle',
  options: { ...OPTIONS, maxQueue: 1 },
  hydrated: ['none'],
  succeeded: ['ahead'],
  failed: ['error'],
  shared: [],
  selfLoops: true,
  byTransition: true,
  without: [
    'token.refresh',
    'token.invalidate',
    'waiter.abort',
    'waiter.timeout',
    'token.clear',
    'token.stop',
    'session.set',
    'session.logout',
  ],
}

/**
 * One refresh cycle and its gaps: failures, fetch timeouts, backoffs, a request timing out, logout.
 * Simple paths multiply fast, so: one parked request, one kind of each answer, and every path ends
 * where the cycle does (valid or failed).
 */
const REFRESH_CYCLE: ModelConfig = {
  name: 'refresh cycle',
  options: { ...OPTIONS, maxQueue: 1 },
  hydrated: ['none'],
  succeeded: ['fresh'],
  failed: ['error'],
  shared: [],
  selfLoops: false,
  byTransition: false,
  without: ['token.refresh', 'token.invalidate', 'waiter.abort', 'token.stop', 'session.set', 'session.logout', ...LIFECYCLE],
}

const endsCycle = (snapshot: TokenSnapshot) => /^(valid|failed)/.test(statePath(snapshot.value))

const everything = createTokenModel(EVERYTHING)
const refreshCycle = createTokenModel(REFRESH_CYCLE)
const lifecycle = createTokenModel(LIFECYCLE_AHEAD)
const suites = [
  { title: 'shortest paths to every state', config: EVERYTHING, keyOf: everything.keyOf, paths: everything.model.getShortestPaths() },
  {
    title: 'shortest paths through hide, show, offline and online',
    config: LIFECYCLE_AHEAD,
    keyOf: lifecycle.keyOf,
    paths: lifecycle.model.getShortestPaths(),
  },
  {
    title: 'simple paths through a refresh cycle',
    config: REFRESH_CYCLE,
    keyOf: refreshCycle.keyOf,
    paths: refreshCycle.model.getSimplePaths({ toState: endsCycle }),
  },
]

/** What each path did when it ran; a path a filtered run skipped is replayed on the model alone. */
const records = new Map<TokenPath, PathRecord>()

beforeEach(() => useFakeTimersExceptImmediate())
afterEach(() => vi.useRealTimers())

for (const { title, config, keyOf, paths } of suites) {
  describe(title, () => {
    paths.forEach((path, i) => {
      const events = path.steps.slice(1).map((step) => eventLabel(step.event))
      it(`${i + 1}: ${events.join(' → ')} reaches ${keyOf(path.state)}`, async () => {
        records.set(path, await runPath(config, path, keyOf))
      })
    })
  })
}

function recordsOfAllPaths(): PathRecord[] {
  return suites.flatMap(({ config, paths }) => paths.map((path) => records.get(path) ?? replayPath(config, path)))
}

// Paths happen at one instant (T0: timers fire, the wall clock stands), so a transition that needs the held token
// to go stale while the machine waits elsewhere cannot be reached by them.
const NEEDS_TIME_TO_PASS: Record<string, string> = {
  // A rest holds a fresh token (a 401 there leaves by its own transition); a request finds it stale only once the
  // clock reached the leeway during the rest.
  'token.refreshing.resting · token.get #2 [else] → token.refreshing (re-entered)':
    "test/controller.ahead.test.ts: 'starts a cycle at once for a request inside the leeway while resting, and that request waits for it'",
}

describe('coverage of the machine definition', () => {
  it('visits every state node, compound and atomic', () => {
    const visited = new Set(recordsOfAllPaths().flatMap((record) => [...record.visited]))
    const missing = allStateNodes()
      .map((node) => node.id)
      .filter((id) => !visited.has(id))
    expect(missing, `state nodes no path visits:\n${missing.join('\n')}`).toEqual([])
  })

  it('takes every transition of the definition', () => {
    const defined = allTransitions()
    // Each one named here, with the reason, is covered by the test named beside it instead.
    for (const name of Object.keys(NEEDS_TIME_TO_PASS)) expect(defined, `${name} is no transition of the definition`).toContain(name)
    const taken = new Set(recordsOfAllPaths().flatMap((record) => record.transitions))
    const missing = defined.filter((name) => !taken.has(name) && !(name in NEEDS_TIME_TO_PASS))
    expect(missing, `transitions no path takes:\n${missing.join('\n')}`).toEqual([])
    // Taken but not defined would mean the names drifted from the definition: the check above proves nothing then.
    expect([...taken].filter((name) => !defined.includes(name))).toEqual([])
  })
})

afterAll(() => {
  const ran = [...records.values()]
  const [shortest, lifecyclePaths, simple] = suites.map(({ paths }) => paths.length)
  const taken = new Set(ran.flatMap((record) => record.transitions))
  const visited = new Set(ran.flatMap((record) => [...record.visited]))
  const steps = ran.reduce((sum, record) => sum + record.steps, 0)
  console.log(
    `model: ${shortest} + ${lifecyclePaths} shortest paths, ${simple} simple paths; ${ran.length} run against the controller, ${steps} steps; ` +
      `${visited.size}/${allStateNodes().length} state nodes visited, ${taken.size}/${allTransitions().length} transitions taken`,
  )
})
