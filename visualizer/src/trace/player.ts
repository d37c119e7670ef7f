// Replays a trace: the state and counters at any moment of it, and what changed between two moments (for
// the diagram's flash and the timeline). Pure: the page owns play/pause and the scrubber.
import { bump, emptyCounters, type Counters } from '../sim/counters.ts'
import type { Trace, TraceEntry } from './format.ts'

export interface TraceFrame {
  value: unknown
  counters: Counters
  /** Entries in (from, to], oldest first. */
  passed: TraceEntry[]
}

export function frameAt(trace: Trace, from: number, to: number): TraceFrame {
  let value: unknown = 'idle'
  const counters = emptyCounters()
  const passed: TraceEntry[] = []
  for (const entry of trace.entries) {
    if (entry.at > to) break
    if (entry.at > from) passed.push(entry)
    if (entry.kind === 'state') {
      value = entry.value
      continue
    }
    const event = entry.event
    if (event.type === 'request.parked') bump(counters, 'parked')
    else if (event.type === 'request.released') bump(counters, 'released')
    else if (event.type === 'request.rejected') bump(counters, String(event.code))
    else if (event.type === 'refresh.started') {
      bump(counters, 'refreshes')
      bump(counters, 'fetchAttempts')
    } else if (event.type === 'refresh.retrying') bump(counters, 'fetchAttempts')
    else if (event.type === 'refresh.failed') bump(counters, 'refreshFailures')
  }
  return { value, counters, passed }
}
