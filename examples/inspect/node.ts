// Node (or a mini-program dev build): inspection events over a WebSocket to a receiver such as Stately's
// inspector or `createWebSocketReceiver`. Run: node scripts/run-ts.mjs examples/inspect/node.ts [ws-url]
import { createWebSocketInspector } from '@statelyai/inspect'
import { createWatchedController, drive } from './shared.ts'

const url = process.argv[2] ?? 'ws://127.0.0.1:8080'
const inspector = createWebSocketInspector({ url })
const tokens = createWatchedController(inspector.inspect)
console.log(`sending inspection events to ${url} for 10 s (tokens redacted)`)
await drive(tokens, 10_000)
inspector.stop()
