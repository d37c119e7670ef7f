// The trace file `npm run demo -- --trace <file>` writes and the page replays: the machine's state values
// and the controller's events, each at ms since the run started. Events keep only plain fields, and never a
// token: the controller's events carry none, and token-named fields are dropped on the way in anyway.
export const TRACE_FORMAT = 'painless-token-trace'

export type TraceEntry =
  | { at: number; kind: 'state'; value: unknown }
  | { at: number; kind: 'event'; event: { type: string; [field: string]: string | number | boolean | null } }

export interface Trace {
  format: typeof TRACE_FORMAT
  version: 1
  source: string
  durationMs: number
  entries: TraceEntry[]
}

const SECRET_KEYS = new Set(['accessToken', 'refreshToken', 'access_token', 'refresh_token', 'token'])

/** A controller event reduced to its plain, non-secret fields. */
export function traceEvent(event: { type: string; [field: string]: unknown }): Extract<TraceEntry, { kind: 'event' }>['event'] {
  const out: Extract<TraceEntry, { kind: 'event' }>['event'] = { type: String(event.type) }
  for (const [key, value] of Object.entries(event)) {
    if (key === 'type' || SECRET_KEYS.has(key)) continue
    if (value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') out[key] = value
  }
  return out
}

/** Records a run; `now` is any ms clock (the demo uses performance.now). */
export function createTraceRecorder(source: string, now: () => number) {
  const start = now()
  const entries: TraceEntry[] = []
  const at = () => Math.round((now() - start) * 10) / 10
  return {
    state(value: unknown): void {
      entries.push({ at: at(), kind: 'state', value })
    },
    event(event: { type: string; [field: string]: unknown }): void {
      entries.push({ at: at(), kind: 'event', event: traceEvent(event) })
    },
    toTrace(): Trace {
      return { format: TRACE_FORMAT, version: 1, source, durationMs: at(), entries }
    },
  }
}

/** Parses and checks a trace file's text; throws an Error saying what is wrong. */
export function parseTrace(text: string): Trace {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw new Error('not a trace: the file is not JSON')
  }
  const trace = data as Partial<Trace>
  if (typeof trace !== 'object' || trace === null || trace.format !== TRACE_FORMAT) {
    throw new Error(`not a trace: expected "format": "${TRACE_FORMAT}" (write one with \`npm run demo -- --trace trace.json\`)`)
  }
  if (trace.version !== 1) throw new Error(`unsupported trace version ${String(trace.version)}`)
  if (!Array.isArray(trace.entries)) throw new Error('not a trace: no entries')
  for (const entry of trace.entries) {
    if (typeof entry?.at !== 'number' || (entry.kind !== 'state' && entry.kind !== 'event'))
      throw new Error('not a trace: a malformed entry')
  }
  return {
    format: TRACE_FORMAT,
    version: 1,
    source: String(trace.source ?? ''),
    durationMs: typeof trace.durationMs === 'number' ? trace.durationMs : (trace.entries.at(-1)?.at ?? 0),
    entries: trace.entries,
  }
}
