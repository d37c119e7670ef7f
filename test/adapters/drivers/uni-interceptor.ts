// Scenario client on installUniInterceptor (painless-token/uni): plain uni.request calls, promise style, on a
// `uni` that runs interceptors as uni-app does. No abort: uni's interceptor API gives nothing to abort while
// invoke waits for the token (see src/adapters/uni-interceptor.ts).
import { installUniInterceptor, type MiniRequestSuccess, type UniInterceptorHost } from '../../../src/entries/uni.ts'
import {
  answerOutcome,
  codeSays401,
  createHarness,
  errorOutcome,
  resolvesAll,
  type ClientConfig,
  type ScenarioClient,
  scenarioSigner,
} from '../harness.ts'

export function startUniInterceptor(config: ClientConfig, uni: UniInterceptorHost): ScenarioClient {
  const request = (options: Record<string, unknown>) => uni.request({ dataType: 'json', ...options }) as Promise<MiniRequestSuccess>
  const harness = createHarness(config, async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    const result = await request({
      url: config.serverUrl + '/token',
      method: 'POST',
      header: form,
      data: 'grant_type=client_credentials',
      auth: false,
    })
    if (result.statusCode !== 200) throw result
    return result.data
  })
  const remove = installUniInterceptor(harness.tokens, {
    uni,
    maxReplays: config.maxReplays,
    sign: scenarioSigner(config.sign),
    isUnauthorized: config.businessCodes ? (r) => r.statusCode === 401 || codeSays401(r.data) : undefined,
  })
  return {
    send(path, options = {}) {
      const sent = request({
        url: config.serverUrl + path,
        method: options.method ?? 'GET',
        ...(options.auth === false ? { auth: false } : {}),
      })
      return { outcome: sent.then((r) => answerOutcome('resolved', r.statusCode, r.data, r), errorOutcome), abort: () => undefined }
    },
    settles: resolvesAll,
    advanceClock: harness.advanceClock,
    whenParked: harness.whenParked,
    get state() {
      return harness.tokens.state
    },
    stop: () => (remove(), harness.tokens.stop()),
  }
}
