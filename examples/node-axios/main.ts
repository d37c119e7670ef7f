// Runs the backend client against API_BASE: 20 concurrent upstream calls, then one more. Prints one JSON line:
// what each call got and how many token refreshes it took. Never prints a token.
// Usage: API_BASE=http://127.0.0.1:8080 node scripts/run-ts.mjs examples/node-axios/main.ts
import { createUpstreamClient } from './backend.ts'

const baseURL = process.env.API_BASE
if (!baseURL) {
  console.error('set API_BASE to the upstream API, e.g. API_BASE=http://127.0.0.1:8080')
  process.exit(2)
}

let refreshes = 0
const upstream = createUpstreamClient({
  baseURL,
  clientId: 'backend',
  clientSecret: process.env.CLIENT_SECRET ?? 'example-secret',
  onEvent: (event) => void (event.type === 'refresh.started' && refreshes++),
})

try {
  const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => upstream.http.get(`/api/users/${i}`).then((r) => r.status)))
  const later = (await upstream.http.get('/api/users/me')).status
  console.log(JSON.stringify({ burst, later, refreshes }))
} catch (error) {
  console.log(JSON.stringify({ error: (error as { code?: string }).code ?? String(error) }))
  process.exitCode = 1
} finally {
  upstream.close()
}
