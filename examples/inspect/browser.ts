// A browser page: createBrowserInspector opens Stately's inspector in a new window and streams the
// controller's machine to it, tokens redacted. Serve with: npx vite examples/inspect --host 127.0.0.1
import { createBrowserInspector } from '@statelyai/inspect'
import { createWatchedController, drive } from './shared.ts'

const inspector = createBrowserInspector()
const tokens = createWatchedController(inspector.inspect)
document.body.append(`inspecting painless-token for 30 s: see the Stately inspector window (allow pop-ups)`)
await drive(tokens, 30_000)
