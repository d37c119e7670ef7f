// Scenario client on createWxRequest (painless-token/wx), callback style as wx.request is used. `wx` is the
// runtime's, or the global one when omitted (the mini-program sandbox).
import {
  createWxRequest,
  type MiniPlatform,
  type MiniRequestOptions,
  type MiniRequestSuccess,
  type WxRequest,
} from '../../../src/entries/wx.ts'
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
  type Outcome,
  type Sent,
  type TransferClient,
  type UploadOptions,
} from '../harness.ts'

export function startWx(config: ClientConfig, wx?: MiniPlatform): TransferClient {
  let request!: WxRequest
  const call = (options: MiniRequestOptions) =>
    new Promise<MiniRequestSuccess>((resolve, reject) => {
      request({ ...options, success: resolve, fail: reject })
    })
  const harness = createHarness(config, async () => {
    const token = { url: config.serverUrl + '/token', method: 'POST', header: TOKEN_FORM.contentType, data: TOKEN_FORM.body }
    const result = await call({ ...token, dataType: 'json', auth: false })
    if (result.statusCode !== 200) throw result
    return result.data
  })
  request = createWxRequest(harness.tokens, { wx, ...adapterOptions(config, miniRefused) })
  // A call in wx's callback style: success becomes the outcome `answered` makes of it, fail a failure.
  const sendWith = (
    start: (success: (r: any) => void, fail: (e: unknown) => void) => { abort(): void },
    answered: (r: any) => Outcome,
  ): Sent => {
    let task!: { abort(): void }
    const outcome = new Promise<Outcome>((resolve) => {
      task = start(
        (r) => resolve(answered(r)),
        (error) => resolve(errorOutcome(error)),
      )
    })
    return { outcome, abort: () => task.abort() }
  }
  const client = harness.client(
    (path, options = {}) =>
      sendWith(
        (success, fail) =>
          request({ url: urlOf(config, path), method: options.method ?? 'GET', dataType: 'json', auth: options.auth, success, fail }),
        (r) => answerOutcome('resolved', r.statusCode, r.data, r),
      ),
    resolvesAll,
  )
  return Object.assign(client, {
    upload: (path: string, { filePath, formData, auth }: UploadOptions) =>
      sendWith(
        (success, fail) => request.uploadFile({ url: urlOf(config, path), filePath, name: 'file', formData, auth, success, fail }),
        (r) => answerOutcome('resolved', r.statusCode, parsedText(r.data), r),
      ),
    download: (path: string) =>
      sendWith(
        (success, fail) => request.downloadFile({ url: urlOf(config, path), success, fail }),
        (r) => ({ ...answerOutcome('resolved', r.statusCode, undefined, r), file: r.tempFilePath }),
      ),
  })
}
