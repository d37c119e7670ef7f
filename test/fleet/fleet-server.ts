// The loopback token + API server the fleet tests run against (127.0.0.1, random port), in the test process.
// POST /token issues an opaque token with a short lifetime, counts every call (and which worker made it: the
// `x-worker` header), and can be held (answered only when the test says so), delayed, or limited to a quota per
// simulated day. GET /api/… answers 200 with the token's id (its issue order, never the token) or 401 for a token
// it does not know, revoked or expired. Nothing here logs a token.
import { randomBytes } from 'node:crypto'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface TokenCall {
  /** The worker id from the `x-worker` header ('' when absent). */
  readonly worker: string
  /** Epoch ms the call arrived. */
  readonly at: number
  /** How it was answered: the id of the token issued, 'quota' (refused: the day's quota is spent), or 'dropped'. */
  outcome: number | 'quota' | 'dropped' | 'pending'
}

export interface FleetServerOptions {
  /** Lifetime of issued tokens in ms (sent as fractional `expires_in` seconds). Default 60_000. */
  ttlMs?: number
  /**
   * The server accepts a token this long past its `expires_in`, as servers allow for latency. Default 0. On a loaded
   * 2-core machine a request can reach the server after a 1 s token expired there: the machine's timing, which
   * would add a refresh the scenario does not count on.
   */
  graceMs?: number
  /** At most this many tokens per simulated day; calls beyond it are answered 429 (WeChat's 45009). */
  quota?: { perDay: number; dayMs: number }
}

export interface FleetServer {
  readonly url: string
  /** /token calls so far, in arrival order. */
  readonly calls: readonly TokenCall[]
  /** /token calls arrived since `from` (an index into `calls`, e.g. an earlier `calls.length`). */
  callsSince(from: number): readonly TokenCall[]
  /** API answers so far by status. */
  apiAnswers(): { ok: number; unauthorized: number }
  /** Lifetime of tokens issued from now on (`expires_in`), and how long the server accepts them (default: as long, plus graceMs). */
  setTtl(ms: number, acceptMs?: number): void
  /** Holds every /token call from now on until `releaseHeld()`; `hold(false)` stops holding new ones. */
  hold(on?: boolean): void
  /** Answers the held /token calls (a token each, unless their socket is gone). */
  releaseHeld(): number
  /** Every token issued so far is refused from now on (later ones work). */
  revokeAll(): void
  /** Resolves once `count` /token calls arrived in total. */
  whenCalled(count: number, timeoutMs?: number): Promise<void>
  /** Starts simulated day number 0 now (the quota counts per day from here). */
  startDay(): void
  /** Calls that were refused for the quota, and the most tokens issued in any one simulated day. */
  quotaFigures(): { refused: number; maxIssuedInADay: number }
  close(): Promise<void>
}

export async function startFleetServer(options: FleetServerOptions = {}): Promise<FleetServer> {
  let ttlMs = options.ttlMs ?? 60_000
  let acceptMs = ttlMs
  const graceMs = options.graceMs ?? 0
  let holding = false
  let dayStart = Date.now()
  const quota = options.quota
  const live = new Map<string, { id: number; expiresAt: number }>()
  const calls: TokenCall[] = []
  const held: Array<{ res: ServerResponse; call: TokenCall }> = []
  const issuedPerDay = new Map<number, number>()
  const api = { ok: 0, unauthorized: 0 }
  let issued = 0
  let refused = 0
  const watchers = new Set<() => boolean>()

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/'
      if (path === '/token' && req.method === 'POST') {
        const call: TokenCall = { worker: String(req.headers['x-worker'] ?? ''), at: Date.now(), outcome: 'pending' }
        calls.push(call)
        for (const watcher of watchers) if (watcher()) watchers.delete(watcher)
        if (holding) {
          held.push({ res, call })
          return
        }
        answerToken(res, call)
        return
      }
      if (path.startsWith('/api/')) {
        const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1]
        const entry = token === undefined ? undefined : live.get(token)
        if (entry === undefined || Date.now() >= entry.expiresAt) {
          api.unauthorized++
          return json(res, 401, { code: 401, message: entry === undefined ? 'unknown or revoked token' : 'expired token' })
        }
        api.ok++
        return json(res, 200, { code: 200, tokenId: entry.id })
      }
      json(res, 404, { code: 404 })
    })
  })

  function answerToken(res: ServerResponse, call: TokenCall): void {
    if (res.destroyed || res.socket === null || res.socket.destroyed) {
      call.outcome = 'dropped'
      return
    }
    if (quota) {
      const day = Math.floor((Date.now() - dayStart) / quota.dayMs)
      const count = issuedPerDay.get(day) ?? 0
      if (count >= quota.perDay) {
        refused++
        call.outcome = 'quota'
        return json(res, 429, { errcode: 45009, errmsg: 'reach max api daily quota limit' })
      }
      issuedPerDay.set(day, count + 1)
    }
    const accessToken = randomBytes(24).toString('base64url')
    const id = ++issued
    live.set(accessToken, { id, expiresAt: Date.now() + acceptMs + graceMs })
    call.outcome = id
    json(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: ttlMs / 1000 })
  }

  // Workers keep their API sockets alive between phases; Node closes an idle one after 5 s by default, and a worker
  // that sends on it as it closes gets ECONNRESET (a slow machine stretches a phase past 5 s). Keep them a minute.
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1')
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url,
    calls,
    callsSince: (from) => calls.slice(from),
    apiAnswers: () => ({ ...api }),
    setTtl(ms, accept = ms) {
      ttlMs = ms
      acceptMs = accept
    },
    hold(on = true) {
      holding = on
    },
    releaseHeld() {
      const waiting = held.splice(0)
      for (const { res, call } of waiting) answerToken(res, call)
      return waiting.length
    },
    revokeAll: () => live.clear(),
    whenCalled(count, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(check)
          reject(new Error(`the token endpoint got ${calls.length} calls, not ${count}, within ${timeoutMs} ms`))
        }, timeoutMs)
        const check = () => {
          if (calls.length < count) return false
          clearTimeout(timer)
          resolve()
          return true
        }
        if (!check()) watchers.add(check)
      })
    },
    startDay() {
      dayStart = Date.now()
      issuedPerDay.clear()
      refused = 0
    },
    quotaFigures: () => ({ refused, maxIssuedInADay: Math.max(0, ...issuedPerDay.values()) }),
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}
