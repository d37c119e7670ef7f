// `--trace <file>`: records the machine's state values and the controller's events while the demo runs and
// writes them as JSON that the visualizer replays. Events carry no token, and the trace format drops any
// token-named field besides (see visualizer/src/trace/format.ts).
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { TokenController } from '../../src/index.ts'
import { createTraceRecorder } from '../../visualizer/src/trace/format.ts'
import type { EventHub } from './events.ts'

export function startTrace(tokens: TokenController, events: EventHub): { write(file: string): string } {
  const recorder = createTraceRecorder('npm run demo', () => performance.now())
  recorder.state(tokens.actor.getSnapshot().value)
  let last = JSON.stringify(tokens.actor.getSnapshot().value)
  tokens.actor.subscribe((snapshot) => {
    const value = JSON.stringify(snapshot.value)
    if (snapshot.status !== 'active' || value === last) return
    last = value
    recorder.state(snapshot.value)
  })
  events.on((event) => recorder.event(event))
  return {
    write(file) {
      const full = path.resolve(file)
      writeFileSync(full, `${JSON.stringify(recorder.toTrace())}\n`)
      return file
    },
  }
}
