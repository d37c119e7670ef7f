// The controller property: a generated program (bursts of requests and their follow-ups, aborts, 401s
// for the current and older tokens, time passing, wall-clock jumps, clear, stop, calls made from
// inside onEvent, and in the lifecycle property the app hidden and shown, the network lost and back,
// currentToken() and keepFresh) runs against the real controller while fast-check's scheduler orders everything
// asynchronous: the program's steps, each fetch answer, each timer, the storage read.
import fc from 'fast-check'
import { createTokenController } from '../../src/index.ts'
import { minimalSignal } from '../helpers/fake-fetch.ts'
import { createVirtualClock } from '../helpers/virtual-clock.ts'
import {
  controllerPlan,
  fetchPlans,
  lifecycleControllerPlan,
  lifecycleProgram,
  program,
  sessionControllerPlan,
  sessionFetchPlans,
  sessionProgram,
  storagePlan,
  type Action,
  type ControllerPlan,
  type FetchPlan,
  type Follow,
  type Reaction,
  type StoragePlan,
} from './arbitraries.ts'
import { createMonitor, type TrackedRequest } from './invariants.ts'
import { scheduledStorage, STORED_TOKEN } from './scheduled-storage.ts'
import { scriptedFetch } from './scripted-fetch.ts'
import { untilIdle } from './until-idle.ts'

export interface ControllerRun {
  scheduler: fc.Scheduler
  plan: ControllerPlan
  fetches: FetchPlan[]
  storage: StoragePlan
  actions: Action[]
}

/** Runs one program and returns the violations (empty when every invariant held). */
export async function runControllerProgram({ scheduler, plan, fetches, storage, actions }: ControllerRun): Promise<string[]> {
  const clock = createVirtualClock({ scheduler })
  const fetch = scriptedFetch(scheduler, clock, fetches)
  const monitor = createMonitor({ clock, plan, fetch })
  let reacted = false
  const tokens = createTokenController({
    fetchToken: fetch.fetchToken,
    storage: scheduledStorage(scheduler, storage, clock.now()),
    now: clock.now,
    clock,
    leewayMs: plan.leewayMs,
    // No jitter: it draws from Math.random, and a replayed seed must replay the same delays.
    retry: { ...plan.retry, jitter: false },
    onLoginRequired: monitor.onLoginRequired,
    fetchTimeoutMs: plan.fetchTimeoutMs,
    waitTimeoutMs: plan.waitTimeoutMs,
    maxQueue: plan.maxQueue,
    // Unset in the older properties: the default (5 minutes) applies there too.
    ...(plan.refreshAheadMs === undefined ? {} : { refreshAheadMs: plan.refreshAheadMs }),
    keepFresh: plan.keepFresh === true,
    onEvent: (event) => {
      monitor.onEvent(event)
      if (plan.reaction && !reacted && event.type === plan.reaction.on) {
        reacted = true
        react(plan.reaction.act)
      }
    },
  })
  monitor.attach(tokens)
  const abortable: TrackedRequest[] = []
  // A safety valve for keepFresh runs: each new token schedules the next background refresh, so a run whose last
  // stop() keeps losing the race to those timers stops once the endpoint has answered 20 times past its plans.
  if (plan.keepFresh) {
    const onCall = fetch.onCall
    let valve = false
    fetch.onCall = (record, alreadyInFlight) => {
      onCall?.(record, alreadyInFlight)
      if (record.index < fetches.length + 20 || valve) return
      valve = true
      void Promise.resolve().then(() => monitor.stop())
    }
  }

  const issuedTokens = () => [STORED_TOKEN, ...fetch.calls.flatMap((call) => (call.token === undefined ? [] : [call.token]))]

  // Called inside onEvent, mid-step: the controller must cope with re-entrant calls.
  function react(act: Reaction['act']): void {
    if (act === 'clear') tokens.clear()
    else if (act === 'stop') monitor.stop()
    else if (act === 'logout') void tokens.logout()
    else if (act === 'setGrant') monitor.setGrant(3600)
    else monitor.invalidate(tokens.actor.getSnapshot().context.accessToken ?? 'never-issued')
  }

  // In the microtask the token arrives in, as calling code would: the next call, or a 401 and a retry.
  function followUp(follow: Follow, token: string): void {
    if (follow === 'replay') monitor.invalidate(token)
    monitor.request('get')
  }

  function perform(action: Action): void {
    switch (action.kind) {
      case 'get':
        for (let i = 0; i < action.count; i++) {
          const { tracked, promise } = monitor.request('get', action.abortable ? minimalSignal() : undefined)
          if (tracked.signal) abortable.push(tracked)
          if (action.follow !== 'none')
            promise.then(
              (token) => followUp(action.follow, token),
              () => {},
            )
        }
        return
      case 'refresh':
        monitor.request('refresh')
        return
      case 'abort': {
        const target = abortable[action.target % Math.max(1, abortable.length)]
        target?.signal?.abort(new Error('the page was closed'))
        return
      }
      case 'invalidate': {
        const current = tokens.actor.getSnapshot().context.accessToken
        const older = issuedTokens().filter((token) => token !== current)
        const rejected = action.which === 'current' ? current : action.which === 'old' ? older[older.length - 1] : 'never-issued'
        monitor.invalidate(rejected ?? 'never-issued')
        return
      }
      case 'advance':
        clock.advance(action.ms)
        return
      case 'jump':
        clock.jump(action.ms)
        return
      case 'clear':
        tokens.clear()
        return
      case 'stop':
        monitor.stop()
        return
      case 'setGrant':
        monitor.setGrant(action.expiresInS)
        return
      case 'logout':
        void tokens.logout()
        return
      case 'visible':
        monitor.setAppVisible(action.visible)
        return
      case 'online':
        monitor.setOnline(action.online)
        return
      case 'peek':
        monitor.peek()
        return
    }
  }

  try {
    // Every step is its own task: the scheduler picks their order too, among answers and timers.
    const steps = actions.map((action) =>
      scheduler.schedule(Promise.resolve(), `${action.kind}${describe(action)}`).then(() => perform(action)),
    )
    // keepFresh refreshes each new token at the start of its soft window, for ever: once the program has run, a
    // last stop() ends the run, among whatever timers and answers are still due.
    if (plan.keepFresh) {
      void Promise.all(steps)
        .then(() => scheduler.schedule(Promise.resolve(), 'stop (the end of a keep-fresh run)'))
        .then(() => monitor.stop())
    }
    await untilIdle(scheduler)
    monitor.finish()
    return monitor.violations
  } finally {
    tokens.stop()
  }
}

function describe(action: Action): string {
  switch (action.kind) {
    case 'get':
      return ` x${action.count}${action.abortable ? ' abortable' : ''}${action.follow === 'none' ? '' : ` then ${action.follow}`}`
    case 'abort':
      return ` #${action.target}`
    case 'invalidate':
      return ` ${action.which}`
    case 'advance':
    case 'jump':
      return ` ${action.ms} ms`
    case 'setGrant':
      return ` ${action.expiresInS} s`
    case 'visible':
      return ` ${action.visible}`
    case 'online':
      return ` ${action.online}`
    default:
      return ''
  }
}

/** The property itself, shared by the suite and by regressions.property.test.ts (which replays seeds). */
export function controllerProperty() {
  return fc.asyncProperty(
    fc.scheduler(),
    controllerPlan,
    fetchPlans,
    storagePlan,
    program,
    async (scheduler, plan, fetches, storage, actions) => {
      const violations = await runControllerProgram({ scheduler, plan, fetches, storage, actions })
      if (violations.length > 0) throw new Error(`invariants broken:\n  ${violations.join('\n  ')}`)
    },
  )
}

/**
 * The same invariants with sessions: setGrant and logout among the steps, refresh tokens refused (login required),
 * a cool-down after failed cycles. Also: no fetch while a login is required, onLoginRequired once per loss.
 */
export function sessionProperty() {
  return fc.asyncProperty(
    fc.scheduler(),
    sessionControllerPlan,
    sessionFetchPlans,
    storagePlan,
    sessionProgram,
    async (scheduler, plan, fetches, storage, actions) => {
      const violations = await runControllerProgram({ scheduler, plan, fetches, storage, actions })
      if (violations.length > 0) throw new Error(`invariants broken:\n  ${violations.join('\n  ')}`)
    },
  )
}

/**
 * The same invariants with refresh-ahead (refreshAheadMs 0, short, default, long), keepFresh, the app hidden and
 * shown, the network lost and back, and currentToken(). Also: no request waits while a usable token is held, no
 * fetch starts while hidden but for a parked request, no retry while offline, no background refresh outside the
 * soft window or during the rest after a failed one.
 */
export function lifecycleProperty() {
  return fc.asyncProperty(
    fc.scheduler(),
    lifecycleControllerPlan,
    sessionFetchPlans,
    storagePlan,
    lifecycleProgram,
    async (scheduler, plan, fetches, storage, actions) => {
      const violations = await runControllerProgram({ scheduler, plan, fetches, storage, actions })
      if (violations.length > 0) throw new Error(`invariants broken:\n  ${violations.join('\n  ')}`)
    },
  )
}
