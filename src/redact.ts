// What `inspect` sees: the same inspection events with the token removed. The Stately inspector
// is a web service, so nothing secret may reach it; the parked queue is summarised by its size, and a
// failed fetch's error (the app's own object: an AxiosError holds the request body it sent) by its name,
// code and HTTP status.
import type { AnyActorRef, InspectionEvent } from 'xstate'
import { errorSummary } from '../machines/failure.ts'
import { parkedSize, type Parked } from '../machines/parked.ts'

const REDACTED = '[redacted]'

export function redactInspectionEvent(event: InspectionEvent): InspectionEvent {
  const copy = Object.assign({}, event) as InspectionEvent & Record<string, unknown>
  if ('snapshot' in copy && copy.snapshot) copy.snapshot = redactSnapshot(copy.snapshot)
  if ('actorRef' in copy && copy.actorRef) copy.actorRef = redactActorRef(copy.actorRef as AnyActorRef)
  if ('sourceRef' in copy && copy.sourceRef) copy.sourceRef = redactActorRef(copy.sourceRef as AnyActorRef)
  if ('event' in copy && copy.event) copy.event = redactSecrets(copy.event)
  if (copy.type === '@xstate.action' && copy.action) {
    const action = copy.action as { type: string; params: unknown }
    copy.action = { type: action.type, params: redactSecrets(action.params) }
  }
  return copy
}

// A view of the actor whose getSnapshot() is redacted, cached so one actor keeps one identity.
const views = new WeakMap<object, AnyActorRef>()

function redactActorRef(actorRef: AnyActorRef): AnyActorRef {
  let view = views.get(actorRef)
  if (!view) {
    view = Object.create(actorRef, {
      getSnapshot: { value: () => redactSnapshot(actorRef.getSnapshot()) },
    }) as AnyActorRef
    views.set(actorRef, view)
  }
  return view
}

function redactSnapshot<T>(snapshot: T): T {
  if (typeof snapshot !== 'object' || snapshot === null) return snapshot
  const copy: Record<string, unknown> = Object.assign({}, snapshot as Record<string, unknown>)
  if (copy.context) copy.context = redactSecrets(copy.context)
  if (copy.input) copy.input = redactSecrets(copy.input)
  return copy as T
}

/** Masks secret fields one level deep, and replaces the parked queue by its size and errors by their summary. */
function redactSecrets(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
  const copy: Record<string, unknown> = Object.assign({}, value as Record<string, unknown>)
  for (const key of ['accessToken', 'refreshToken', 'access_token', 'refresh_token']) {
    if (typeof copy[key] === 'string') copy[key] = REDACTED
  }
  if (isParked(copy.parked)) copy.parked = { size: parkedSize(copy.parked) }
  // `error` on fetch.failed (the event, and recordError's params), `lastError` in the context.
  if (copy.error !== undefined) copy.error = errorSummary(copy.error)
  if (copy.lastError !== undefined) copy.lastError = errorSummary(copy.lastError)
  // A waiter's promise settles with the token, and console.log / util.inspect print a settled promise's value.
  if (isWaiter(copy.waiter)) copy.waiter = { id: copy.waiter.id }
  if ('random' in copy) delete copy.random
  return copy
}

function isWaiter(value: unknown): value is { id: unknown } {
  return typeof value === 'object' && value !== null && 'id' in value && typeof (value as { resolve?: unknown }).resolve === 'function'
}

function isParked(value: unknown): value is Parked {
  return typeof value === 'object' && value !== null && 'front' in value && 'dead' in value
}
