// The timeline: one line per state transition of the token machine (from the actor's snapshots), with
// the detail its emitted event carried (reason, attempt, backoff, queue depth), plus phase headers and
// notes. It also counts what the summary needs. Tokens appear only as "token #<generation>".
import type { TokenController, TokenControllerEvent } from '../../src/index.ts'
import { bump } from './load.ts'
import type { Output } from './output.ts'

export interface RefreshTally {
  started: number
  succeeded: number
  failed: number
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

export function createTimeline(out: Output, leewayMs: number): Timeline {
  const { colour } = out
  const startedAt = performance.now()
  const tally: RefreshTally = {
    started: 0,
    succeeded: 0,
    failed: 0,
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
        pending = () => `${colour.cyan(`token #${tally.generation}`)}${after} · released ${released} parked`
        return
      }
      case 'refresh.failed': {
        tally.failed++
        const rejected = Number(event.rejected)
        pending = () =>
          `${Number(event.attempts)} attempts, last ${String(event.code)} · ${colour.red(`${rejected} parked rejected with REFRESH_FAILED`)}`
        return
      }
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
    if (reason === 'expired') return `${current} inside the ${leewayMs} ms leeway`
    if (reason === 'invalidated') return colour.red(`${current} answered 401`)
    return 'forced refresh'
  }

  function watch(tokens: TokenController): void {
    queueSize = () => tokens.queueSize
    let last = shapeOf(tokens.actor.getSnapshot().value)
    tokens.actor.subscribe((snapshot) => {
      if (snapshot.status !== 'active') return
      const next = shapeOf(snapshot.value)
      if (next.top === last.top && next.sub === last.sub) return
      const detail = pending?.(last.top) ?? ''
      if (next.top !== last.top) {
        pending = undefined
        row(`${painted(last.top)} → ${painted(next.top)}`, detail)
      } else if (next.sub === 'waitingToRetry') {
        pending = undefined
        row(`${painted('refreshing')}, attempt ${failedAttempt}`, detail)
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
