// What `inspect` sees: plain data and plain views, never a live object. The Stately inspector is a web service, so
// nothing secret may reach it at any depth: a live actor ref leads through `_parent` to the live context, so every
// actor is replaced by a plain view of it; tokens are masked, the parked queue is summarised by its size, and an
// error (the app's own object: an AxiosError holds the request body it sent) by its name, code and HTTP status.
import type { AnyActorRef, InspectionEvent } from 'xstate'
import { errorSummary } from '../machines/failure.ts'
import { parkedSize, type Parked } from '../machines/parked.ts'

const REDACTED = '[redacted]'
// accessToken, refresh_token, client_secret, password, … (not `token` alone: child actor ids contain it).
const SECRET_KEY = /(access|refresh)_?token|secret|password/i
// Plain data is shallow; anything deeper is a cycle or not ours, and is not followed.
const MAX_DEPTH = 8

/** The inspection event an inspector may see. `_transitions` (state nodes that print as ~100 MB) stays out. */
export function redactInspectionEvent(event: InspectionEvent): InspectionEvent {
  const source = event as unknown as Record<string, unknown>
  const copy: Record<string, unknown> = { type: event.type, rootId: event.rootId }
  for (const key of ['actorRef', 'sourceRef']) {
    if (source[key]) copy[key] = viewOf(source[key] as AnyActorRef)
  }
  if (source.snapshot) copy.snapshot = redactSnapshot(source.snapshot)
  if (source.event) copy.event = redactValue(source.event, 0)
  if (source.action) copy.action = redactValue(source.action, 0)
  return copy as unknown as InspectionEvent
}

// One plain view per actor, so one actor keeps one identity across events.
const views = new WeakMap<object, AnyActorRef>()

/**
 * A plain object standing for an actor: what inspectors read (ids, the parent's view, the machine's definition for
 * the diagram) and a `getSnapshot()` that redacts. No `_snapshot`, `mailbox`, `system`, `src` (the root's is the
 * machine) or persisted snapshot.
 */
function viewOf(actorRef: AnyActorRef): AnyActorRef {
  let view = views.get(actorRef)
  if (!view) {
    const parent = actorRef._parent
    const config: unknown = (actorRef as { logic?: { config?: unknown } }).logic?.config
    view = {
      id: actorRef.id,
      sessionId: actorRef.sessionId,
      _parent: parent ? viewOf(parent) : undefined,
      // A machine's config is its static definition; a callback actor's is the app's function: left out.
      logic: { config: typeof config === 'object' ? config : undefined },
      getSnapshot: () => redactSnapshot(actorRef.getSnapshot()),
      toJSON: () => ({ xstate$$type: 1, id: actorRef.id }),
    } as unknown as AnyActorRef
    views.set(actorRef, view)
  }
  return view
}

// A snapshot's data without its machine: `machine`, `_nodes` and `historyValue` lead into the definition's graph,
// and `can`/`getMeta` need them. What stays: status, value, tags, context, children, output, error, input.
const LIVE_SNAPSHOT_KEYS = ['machine', '_nodes', 'historyValue', 'can', 'getMeta']

function redactSnapshot(snapshot: unknown): unknown {
  if (typeof snapshot !== 'object' || snapshot === null) return snapshot
  const copy: Record<string, unknown> = Object.assign({}, snapshot as Record<string, unknown>)
  for (const key of LIVE_SNAPSHOT_KEYS) delete copy[key]
  for (const key of ['context', 'input', 'output', 'children', 'error']) {
    if (copy[key] !== undefined) copy[key] = key === 'error' ? errorSummary(copy[key]) : redactValue(copy[key], 0)
  }
  return copy
}

/**
 * A copy of plain data an inspector may see, at any depth: secret fields masked, actor refs replaced by their views,
 * errors by their summary, waiters by their id, the parked queue by its size. Only own enumerable properties are
 * copied (a grant's and the fetch input's tokens are non-enumerable); functions and other objects' internals are not.
 */
function redactValue(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (isActorRef(value)) return viewOf(value)
  if (value instanceof Error) return errorSummary(value)
  // A waiter's promise settles with the token, and console.log / util.inspect print a settled promise's value.
  if (isWaiter(value)) return { id: value.id }
  if (isParked(value)) return { size: parkedSize(value) }
  if (depth > MAX_DEPTH) return REDACTED
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1))
  const prototype: unknown = Object.getPrototypeOf(value)
  // A Promise, a Map, a class instance: its contents are not data an inspector needs, and may be anything.
  if (prototype !== Object.prototype && prototype !== null) return REDACTED
  const copy: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'function') continue
    if (SECRET_KEY.test(key) && item !== null && item !== undefined) copy[key] = REDACTED
    // `error` on fetch.failed and recordError's params, `lastError` in the context: whatever the app threw.
    else if ((key === 'error' || key === 'lastError') && item !== undefined) copy[key] = errorSummary(item)
    else copy[key] = redactValue(item, depth + 1)
  }
  return copy
}

function isActorRef(value: object): value is AnyActorRef {
  return typeof (value as { getSnapshot?: unknown }).getSnapshot === 'function' && 'sessionId' in value
}

function isWaiter(value: object): value is { id: unknown } {
  return 'id' in value && typeof (value as { resolve?: unknown }).resolve === 'function'
}

function isParked(value: object): value is Parked {
  return 'front' in value && 'dead' in value
}
