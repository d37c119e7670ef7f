// Scenario client on installUniInterceptor (painless-token/uni): plain uni.request calls, promise style, on a
// `uni` that runs interceptors as uni-app does. No abort: uni's interceptor API gives nothing to abort while
// invoke waits for the token (see src/adapters/uni-interceptor.ts).
import { installUniInterceptor, type MiniRequestSuccess, type UniInterceptorHost } from '../../../src/entries/uni.ts'
import {
  adapterOptions,
  answerOutcome,
  createHarness,
  errorOutcome,
  miniRefused,
  parsedText,
  resolvesAll,
  TOKEN_FORM,
  urlOf,
  type ClientConfig,
  type TransferClient,
  type UploadOptions,
} from '../harness.ts'

export function startUniInterceptor(config: ClientConfig, uni: UniInterceptorHost): TransferClient {
  const request = (options: Record<string, unknown>) => uni.request({ dataType: 'json', ...options }) as Promise<MiniRequestSuccess>
  const harness = createHarness(config, async () => {
    const token = { url: config.serverUrl + '/token', method: 'POST', header: TOKEN_FORM.contentType, data: TOKEN_FORM.body }
    const result = await request({ ...token, auth: false })
    if (result.statusCode !== 200) throw result
    return result.data
  })
  const remove = installUniInterceptor(harness.tokens, { uni, ...adapterOptions(config, miniRefused) })
  const stop = () => {
    remove()
    harness.tokens.stop()
  }
  const client = harness.client(
    (path, options = {}) => {
      const sent = request({
        url: config.serverUrl + path,
        method: options.method ?? 'GET',
        ...(options.auth === false ? { auth: false } : {}),
      })
      return { outcome: sent.then((r) => answerOutcome('resolved', r.statusCode, r.data, r), errorOutcome), abort: () => undefined }
    },
    resolvesAll,
    stop,
  )
  const call = (name: 'uploadFile' | 'downloadFile', options: Record<string, unknown>) =>
    (uni[name] as (options: unknown) => Promise<Record<string, any>>)(options)
  return Object.assign(client, {
    upload(path: string, { filePath, formData, auth }: UploadOptions) {
      const sent = call('uploadFile', { url: urlOf(config, path), filePath, name: 'file', formData, ...(auth === false ? { auth } : {}) })
      return {
        outcome: sent.then((r) => answerOutcome('resolved', r.statusCode, parsedText(r.data), r), errorOutcome),
        abort: () => undefined,
      }
    },
    download(path: string) {
      const sent = call('downloadFile', { url: urlOf(config, path) })
      const outcome = sent.then(
        (r) => ({ ...answerOutcome('resolved', r.statusCode, undefined, r), file: r.tempFilePath as string }),
        errorOutcome,
      )
      return { outcome, abort: () => undefined }
    },
  })
}
