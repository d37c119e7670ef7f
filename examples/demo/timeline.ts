// The timeline: one line per state transition of the token machine (from the actor's snapshots), with
// the detail its emitted event carried (reason, attempt, backoff, queue depth), plus phase headers and
// notes. Inside `refreshing` it shows the substates that matter: a retry's backoff, the rest after a
// background cycle failed, a retry held back. It also counts what the summary needs. Tokens appear only
// as "token #<generation>".
import type { TokenController, TokenControllerEvent } from '../../src/index.ts'
import { bump } from './load.ts'
import type { Output } from './output.ts'

export interface RefreshTally {
  started: number
  /** Cycles started with reason 'ahead': in the background, the current token still handed out. */
  startedAhead: number
  succeeded: number
  /** Background cycles that brought a token with nobody parked: no request waited for it. */
  refreshedAhead: number
  failed: number
  /** Background cycles that failed with nobody parked: no request rejected, the token kept. */
  failedAhead: number
  /** `request.parked` events: requests (and replays) that waited for a token. */
  parked: number
  /** `request.rejected` events, by code. */
  rejected: Map<string, number>
  peakQueue: number
  /** The generation of the newest token, 0 before the first. */
  generation: number
  /** When the newest token expires, epoch ms; 0 before the first. */
  expiresAt: number
}

export interface Timeline {
  readonly tally: RefreshTally
  /** Give this the controller's events (before its snapshots: XState emits first, then notifies). */
  onEvent(event: TokenControllerEvent): void
  watch(tokens: TokenController): void
  phase(number: number, title: string): void
  note(text: string): void
  /** An indented line without a time: a phase's outcome. */
  result(text: string): void
  /** Milliseconds since the timeline started. */
  elapsed(): number
}

type Shape = { top: string; sub: string }

const STATE_COLUMN = 28

/** The windows of a fresh token, for the start reasons: refreshed ahead inside `aheadMs`, waited for inside `leewayMs`. */
export interface Windows {
  leewayMs: number
  aheadMs: number
}

export function createTimeline(out: Output, { leewayMs, aheadMs }: Windows): Timeline {
  const { colour } = out
  const startedAt = performance.now()
  const tally: RefreshTally = {
    started: 0,
    startedAhead: 0,
    succeeded: 0,
    refreshedAhead: 0,
    failed: 0,
    failedAhead: 0,
    parked: 0,
    rejected: new Map(),
    peakQueue: 0,
    generation: 0,
    expiresAt: 0,
  }
  // What the last emitted events said, waiting for the snapshot that shows the transition.
  let pending: ((from: string) => string) | undefined
  let failedAttempt = 0
  let queueSize: () => number = () => 0
  // The machine's last shape, as the rows show it; set by watch().
  let last: Shape = { top: '', sub: '' }

  const elapsed = () => performance.now() - startedAt
  const stamp = () => colour.dim(`+${(elapsed() / 1000).toFixed(3)}s`.padStart(9))
  const row = (state: string, detail: string) =>
    out.line(`${stamp()}  ${state}${' '.repeat(Math.max(1, STATE_COLUMN - visible(state)))}${detail}`)
  const painted = (state: string) =>
    state === 'valid' ? colour.green(state) : state === 'failed' ? colour.red(state) : state === 'refreshing' ? colour.yellow(state) : state

  function onEvent(event: TokenControllerEvent): void {
    switch (event.type) {
      case 'request.parked':
        tally.parked++
        tally.peakQueue = Math.max(tally.peakQueue, Number(event.queueSize))
        return
      case 'request.rejected':
        return bump(tally.rejected, String(event.code))
      case 'refresh.started':
        tally.started++
        if (event.reason === 'ahead') tally.startedAhead++
        pending = (from) => `${startReason(String(event.reason), from)} · queue ${Number(event.queueSize)}`
        return
      case 'refresh.retrying':
        failedAttempt = Number(event.attempt)
        pending = () =>
          `failed: ${colour.red(String(event.code))} · retry in ${Math.round(Number(event.delayMs))} ms (backoff) · queue ${queueSize()}`
        return
      case 'refresh.succeeded': {
        tally.succeeded++
        tally.generation = Number(event.generation)
        tally.expiresAt = Number(event.expiresAt)
        const attempts = Number(event.attempts)
        const after = attempts > 1 ? ` after ${attempts} attempts` : ''
        const released = Number(event.released)
        const token = colour.cyan(`token #${tally.generation}`)
        if (event.reason === 'ahead' && released === 0) {
          tally.refreshedAhead++
          pending = () => `${token} refreshed ahead${after} · ${colour.green('nobody waited')}`
        } else {
          const ahead = event.reason === 'ahead' ? ' refreshed ahead' : ''
          pending = () => `${token}${ahead}${after} · released ${released} parked`
        }
        return
      }
      case 'refresh.failed': {
        tally.failed++
        const rejected = Number(event.rejected)
        const why = `${Number(event.attempts)} attempts, last ${String(event.code)}`
        if (event.reason === 'ahead' && rejected === 0) {
          tally.failedAhead++
          const current = `token #${tally.generation}`
          pending = () => `${why} · ${colour.yellow('nobody rejected')}: ${current} still handed out until the leeway`
        } else {
          pending = () => `${why} · ${colour.red(`${rejected} parked rejected with REFRESH_FAILED`)}`
        }
        return
      }
      case 'token.invalidated':
        // In valid (or resting) the 401 starts a cycle and its row says so; during a background cycle it only stops
        // the token being handed out, and the cycle under way brings the next.
        if (last.top === 'refreshing' && last.sub !== 'resting') {
          note(
            colour.red(`token #${Number(event.generation)} answered 401`) + ': no longer handed out; the refresh under way brings the next',
          )
        }
        return
      case 'token.restored':
        tally.generation = Number(event.generation)
        tally.expiresAt = Number(event.expiresAt)
        return note(`token #${tally.generation} restored from storage`)
      case 'storage.failed':
        return note(colour.red(`storage ${String(event.operation)} failed (${String(event.error)}); the token stays in memory`))
    }
  }

  function startReason(reason: string, from: string): string {
    const current = `token #${tally.generation}`
    if (from === 'failed') return 'a new cycle for the next request'
    if (reason === 'missing') return 'no token yet'
    if (reason === 'ahead') return `${current} inside the ${aheadMs} ms soft window, still handed out`
    if (reason === 'expired') return `${current} inside the ${leewayMs} ms leeway`
    if (reason === 'invalidated') return colour.red(`${current} answered 401`)
    return 'forced refresh'
  }

  function watch(tokens: TokenController): void {
    queueSize = () => tokens.queueSize
    last = shapeOf(tokens.actor.getSnapshot().value)
    tokens.actor.subscribe((snapshot) => {
      if (snapshot.status !== 'active') return
      const next = shapeOf(snapshot.value)
      if (next.top === last.top && next.sub === last.sub) return
      const detail = pending?.(last.top) ?? ''
      if (next.top !== last.top) {
        pending = undefined
        // The rest after a failed background cycle ran out with the token still fresh: valid again, no event to show.
        const restOver =
          last.sub === 'resting' && next.top === 'valid' ? `rest over: token #${tally.generation} may be refreshed ahead again` : ''
        row(`${painted(last.top)} → ${painted(next.top)}`, detail || restOver)
      } else if (next.sub === 'waitingToRetry') {
        pending = undefined
        row(`${painted('refreshing')}, attempt ${failedAttempt}`, detail)
      } else if (next.sub === 'resting') {
        pending = undefined
        const restMs = Math.round(snapshot.context.retryDelayMs)
        row(`${painted('refreshing')}, resting`, `${detail} · no background refresh for ${restMs} ms`)
      } else if (next.sub === 'paused') {
        row(`${painted('refreshing')}, paused`, 'the retry waits: offline, or hidden with nobody waiting')
      } else if (last.sub === 'resting') {
        // A request inside the leeway, refresh() or a 401 ends the rest: a new cycle at once (refresh.started).
        pending = undefined
        row(`resting → ${painted('refreshing')}`, detail)
      }
      last = next
    })
  }

  function note(text: string): void {
    row(colour.dim('·'), text)
  }

  return {
    tally,
    onEvent,
    watch,
    phase(number, title) {
      out.line(colour.bold(`── ${number} · ${title} `.padEnd(96, '─')))
    },
    note,
    result(text) {
      out.line(`${' '.repeat(11)}${colour.dim('↳')} ${text}`)
    },
    elapsed,
  }
}

function shapeOf(value: unknown): Shape {
  if (typeof value === 'string') return { top: value, sub: '' }
  const [top, inner] = Object.entries(value as Record<string, unknown>)[0] ?? ['?', '']
  return { top, sub: typeof inner === 'string' ? inner : '' }
}

// Width without colour codes, for alignment.
function visible(text: string): number {
  // oxlint-disable-next-line no-control-regex -- ESC starts an ANSI colour code: matching it is the point.
  return text.replace(/\u001b\[\d+m/g, '').length
}
