// In-process transports: the memory server answers after a microtask (0 latency) or after 5 ms,
// through uni's success / fail / complete callbacks, never inside the call that sent the request. A token answer
// the server delays (E) comes that much later, then after the transport's own latency.
import type { UniRequestOptions, UniRequestSuccess, UniRequestTask } from '../../test/helpers/uni-shim.ts'
import { createMemoryServer, type Reply } from './memory-server.ts'
import type { Transport } from './types.ts'

// https, as a mini-program requires: painless-token refuses to send a token over plain http elsewhere.
const ORIGIN = 'https://bench.local'

export function createInProcessTransport(latencyMs: 0 | 5): Transport {
  const server = createMemoryServer(ORIGIN)
  const schedule: (deliver: () => void) => void = latencyMs === 0 ? queueMicrotask : (deliver) => void setTimeout(deliver, latencyMs)

  function request(options: UniRequestOptions): UniRequestTask {
    const reply = server.handle(options.url, options.header)
    let settled = false
    const deliver = (reply: Exclude<Reply, { kind: 'hang' | 'later' }>) => {
      if (settled) return
      settled = true
      if (reply.kind === 'drop') {
        const failure = { errMsg: 'request:fail socket hang up' }
        options.fail?.(failure)
        options.complete?.(failure)
        return
      }
      const success: UniRequestSuccess = { statusCode: reply.statusCode, data: reply.data, header: {}, cookies: [], errMsg: 'request:ok' }
      options.success?.(success)
      options.complete?.(success)
    }
    const answer = (reply: Reply): void => {
      if (reply.kind === 'later') setTimeout(() => !settled && answer(reply.reply()), reply.afterMs)
      else if (reply.kind !== 'hang') schedule(() => deliver(reply))
    }
    answer(reply)
    return { abort: () => queueMicrotask(() => deliver({ kind: 'drop' })) }
  }

  return {
    name: latencyMs === 0 ? 'microtask' : '5ms',
    baseURL: ORIGIN,
    server,
    request,
    close: async () => {},
  }
}
