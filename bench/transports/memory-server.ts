// The fake token + API server of the in-process transports, with the rules of test/helpers/token-server.ts:
// `/token` issues { access_token, expires_in } (seconds); any other path answers 401 for a missing, unknown,
// expired or revoked token; `/always401` refuses every token. A function call, no sockets. A token answer that
// has a delay is decided (and its token issued, its lifetime counted) when the delay is over, as over HTTP.
import type { BenchServer, TokenBehaviour } from './types.ts'

export type Reply =
  | { kind: 'answer'; statusCode: number; data: unknown }
  | { kind: 'drop' }
  | { kind: 'hang' }
  | { kind: 'later'; afterMs: number; reply: () => Reply }

export interface MemoryServer extends BenchServer {
  handle(url: string, header: Record<string, unknown> | undefined): Reply
}

const TTL_MS = 3_600_000

export function createMemoryServer(origin: string): MemoryServer {
  const live = new Map<string, number>() // token → expiresAt
  const calls = new Map<string, number>()
  let behaviour: TokenBehaviour = {}
  let issued = 0

  function issueToken(): string {
    const token = `t${++issued}.${Math.random().toString(36).slice(2)}`
    live.set(token, Date.now() + (behaviour.ttlMs ?? TTL_MS))
    return token
  }

  function answerToken(): Reply {
    if (behaviour.delayMs) return { kind: 'later', afterMs: behaviour.delayMs, reply: answerTokenNow }
    return answerTokenNow()
  }

  function answerTokenNow(): Reply {
    if (behaviour.tokenFault === 'hang') return { kind: 'hang' }
    if (behaviour.tokenFault === 'reset') return { kind: 'drop' }
    if (behaviour.tokenStatus !== undefined && behaviour.tokenStatus !== 200) {
      return { kind: 'answer', statusCode: behaviour.tokenStatus, data: { error: 'server_error' } }
    }
    const expiresIn = (behaviour.ttlMs ?? TTL_MS) / 1000
    return { kind: 'answer', statusCode: 200, data: { access_token: issueToken(), token_type: 'Bearer', expires_in: expiresIn } }
  }

  function answerApi(path: string, header: Record<string, unknown> | undefined): Reply {
    const unauthorized = (message: string): Reply => ({ kind: 'answer', statusCode: 401, data: { code: 401, message } })
    if (path === '/always401') return unauthorized('this path refuses every token')
    const authorization = header?.Authorization ?? header?.authorization
    const token = typeof authorization === 'string' && authorization.startsWith('Bearer ') ? authorization.slice(7) : undefined
    if (token === undefined) return unauthorized('missing bearer token')
    const expiresAt = live.get(token)
    if (expiresAt === undefined) return unauthorized('unknown or revoked token')
    if (Date.now() >= expiresAt) return unauthorized('expired token')
    return { kind: 'answer', statusCode: 200, data: { code: 200, data: { path } } }
  }

  return {
    handle(url, header) {
      const rest = url.startsWith(origin) ? url.slice(origin.length) : url
      const query = rest.indexOf('?')
      const path = query === -1 ? rest : rest.slice(0, query)
      calls.set(path, (calls.get(path) ?? 0) + 1)
      return path === '/token' ? answerToken() : answerApi(path, header)
    },
    calls: (path) => calls.get(path) ?? 0,
    issue: async () => issueToken(),
    revokeAll: () => live.clear(),
    setTokenBehaviour(next) {
      behaviour = { ...next }
    },
  }
}
