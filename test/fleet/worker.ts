// One process of the fleet: a real Node process (bundled by fleet.ts, run by child_process.fork) with its own Redis
// client (ioredis or node-redis, by argv), redisCoordinator, controller and HTTP client (the library's fetch
// adapter over Node's fetch). It answers the test over IPC with counts and token ids, never a token.
import { Agent, request } from 'node:http'
import { createTokenController, type TokenController } from '../../src/index.ts'
import { withTokens } from '../../src/entries/fetch.ts'
import { redisCoordinator } from '../../src/entries/redis.ts'
import type { BurstResult, ParentMessage, WorkerConfig, WorkerMessage } from './protocol.ts'

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig
const send = (message: WorkerMessage) => process.send?.(message)

process.on('uncaughtException', (error) => {
  send({ type: 'crash', message: `uncaught ${error.name}: ${error.message}` })
  process.exitCode = 1
})
process.on('unhandledRejection', (error) => {
  send({ type: 'crash', message: `unhandled rejection ${error instanceof Error ? `${error.name}: ${error.message}` : typeof error}` })
})

type Client = { ping(): Promise<unknown>; quit(): Promise<unknown> }

async function connect(): Promise<{ client: Client | undefined; coordinator: unknown }> {
  if (config.client === 'none') return { client: undefined, coordinator: undefined }
  const url = config.redisUrl as string
  if (config.client === 'ioredis') {
    // Loaded only when used: a worker starts faster with one client library than with two.
    // require, not import(): the bundle is CommonJS and finds the packages through NODE_PATH, which import() ignores.
    const Redis = require('ioredis') as typeof import('ioredis').default
    const client = new Redis(url)
    // An app keeps a listener: without one ioredis prints every reconnection error of an outage.
    client.on('error', () => {})
    return { client, coordinator: redisCoordinator(client, config.coordinator as never) }
  }
  const { createClient } = require('redis') as typeof import('redis')
  const client = createClient({ url })
  // node-redis ends the process on a socket error nobody listens to.
  client.on('error', () => {})
  await client.connect()
  return { client, coordinator: redisCoordinator(client, config.coordinator as never) }
}

let paused = false
async function fetchToken({ signal }: { signal: AbortSignal }) {
  const response = await fetch(`${config.serverUrl}/token`, { method: 'POST', headers: { 'x-worker': config.id }, signal })
  const body = (await response.json()) as Record<string, unknown>
  if (!response.ok) throw Object.assign(new Error(`token endpoint answered ${response.status}`), { status: response.status })
  if (config.pauseAfterFirstFetch && !paused) {
    paused = true
    // A stall between the token's arrival and its publication (a GC pause, a frozen VM): the process stops here, at
    // once, until the test sends SIGCONT; then this function goes on as if no time had passed.
    process.kill(process.pid, 'SIGSTOP')
  }
  return body
}

const timeline: number[] = []
let raw401 = 0

// The API client: a fetch-like function over node:http with a keep-alive pool of 32 sockets, as a server app would
// use (Node's own fetch opens a socket per concurrent request: 500 each, 4,000 in all, slows the whole run down).
// It counts the 401 answers the adapter then replays.
const agent = new Agent({ keepAlive: true, maxSockets: 32 })
interface SmallResponse {
  status: number
  headers: { get(name: string): string | null }
  clone(): SmallResponse
  json(): Promise<unknown>
}
function countingFetch(url: string, init: { headers?: Headers; signal?: AbortSignal } = {}): Promise<SmallResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {}
    init.headers?.forEach((value, name) => (headers[name] = value))
    const req = request(url, { agent, headers, signal: init.signal }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('end', () => {
        const status = res.statusCode ?? 0
        if (status === 401) raw401++
        const text = Buffer.concat(chunks).toString('utf8')
        const answer: SmallResponse = {
          status,
          headers: { get: (name) => String(res.headers[name.toLowerCase()] ?? '') || null },
          clone: () => answer,
          json: () => Promise.resolve(JSON.parse(text)),
        }
        resolve(answer)
      })
    })
    req.on('error', reject)
    req.end()
  })
}

async function main(): Promise<void> {
  const { client, coordinator } = await connect()
  const tokens: TokenController = createTokenController({
    leewayMs: 200,
    refreshAheadMs: 0,
    ...config.controller,
    fetchToken: fetchToken as never,
    ...(coordinator === undefined ? {} : { coordinator: coordinator as never }),
    onEvent: (event) => {
      const type = (event as { type: string }).type
      if (!type.startsWith('coordinator.') && type !== 'token.adopted') return
      const { version, operation, mode, error } = event as { version?: number; operation?: string; mode?: string; error?: string }
      send({ type: 'event', event: { type, version, operation, mode, error, at: Date.now() } })
    },
  })
  const api = withTokens(countingFetch, tokens)

  async function one(result: BurstResult, ids: Set<number>): Promise<void> {
    result.sent++
    try {
      const response = await api(`${config.serverUrl}/api/orders`)
      result.statuses[response.status] = (result.statuses[response.status] ?? 0) + 1
      const body = (await response.json()) as { tokenId?: number }
      if (response.status === 200 && typeof body.tokenId === 'number') {
        result.ok++
        ids.add(body.tokenId)
        if (timeline[timeline.length - 1] !== body.tokenId) timeline.push(body.tokenId)
      }
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as Error).name
      const cause = (error as { cause?: { code?: string; name?: string } }).cause
      const key = cause === undefined ? code : `${code}/${cause.code ?? cause.name ?? typeof cause}`
      result.failed[key] = (result.failed[key] ?? 0) + 1
    }
  }

  function emptyResult(): BurstResult {
    return { sent: 0, ok: 0, failed: {}, statuses: {}, raw401: 0, tokenIds: [], elapsedMs: 0 }
  }

  async function run(message: ParentMessage): Promise<unknown> {
    switch (message.type) {
      case 'burst': {
        if (message.at !== undefined) await sleep(message.at - Date.now())
        const result = emptyResult()
        const ids = new Set<number>()
        const before = raw401
        const started = Date.now()
        await Promise.all(Array.from({ length: message.count }, () => one(result, ids)))
        return { ...result, raw401: raw401 - before, tokenIds: [...ids].sort((a, b) => a - b), elapsedMs: Date.now() - started }
      }
      case 'loop': {
        const result = emptyResult()
        const ids = new Set<number>()
        const before = raw401
        const started = Date.now()
        while (Date.now() < message.until) {
          const next = Date.now() + message.everyMs
          await one(result, ids)
          await sleep(next - Date.now())
        }
        return { ...result, raw401: raw401 - before, tokenIds: [...ids].sort((a, b) => a - b), elapsedMs: Date.now() - started }
      }
      case 'ping':
        if (client === undefined) return { ok: false }
        return Promise.race([client.ping().then(() => ({ ok: true })), sleep(300).then(() => ({ ok: false }))]).catch(() => ({
          ok: false,
        }))
      case 'timeline':
        return [...timeline]
      case 'close':
        tokens.stop()
        await Promise.race([client?.quit(), sleep(500)]).catch(() => {})
        setTimeout(() => process.exit(0), 10)
        return true
    }
  }

  process.on('message', (message: ParentMessage) => {
    run(message).then(
      (result) => send({ type: 'reply', seq: message.seq, result }),
      (error: unknown) => send({ type: 'crash', message: `command ${message.type} failed: ${(error as Error).name}` }),
    )
  })
  send({ type: 'ready', pid: process.pid })
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
}

main().catch((error: unknown) => {
  send({ type: 'crash', message: `start failed: ${(error as Error).name}: ${(error as Error).message}` })
  setTimeout(() => process.exit(1), 10)
})
