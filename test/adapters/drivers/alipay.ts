// Scenario client on createAlipayRequest (painless-token/alipay), callback style as my.request is used. `my` is the
// runtime's, or the global one when omitted (the Alipay sandbox). An HTTP error that the runtime delivers through
// fail (older base libraries: `error: 19` with `status`) is an answer the client rejected.
import { createAlipayRequest, type AlipayPlatform, type AlipayRequest } from '../../../src/entries/alipay.ts'
import {
  adapterOptions,
  answerOutcome,
  codeSays401,
  createHarness,
  errorOutcome,
  parsedText,
  TOKEN_FORM,
  urlOf,
  type ClientConfig,
  type Outcome,
  type Sent,
  type Settled,
  type TransferClient,
  type UploadOptions,
} from '../harness.ts'

export function startAlipay(config: ClientConfig, my?: AlipayPlatform, httpErrorsFail = false): TransferClient {
  let request!: AlipayRequest
  const harness = createHarness(config, async () => {
    const result = await new Promise<{ status: number; data: unknown }>((resolve, reject) => {
      const token = { url: config.serverUrl + '/token', method: 'POST', headers: TOKEN_FORM.contentType, data: TOKEN_FORM.body }
      request({ ...token, dataType: 'json', auth: false, success: resolve, fail: reject })
    })
    if (result.status !== 200) throw result
    return result.data
  })
  const refusedByCode = (r: { status?: number; data?: unknown }) => r.status === 401 || codeSays401(r.data)
  request = createAlipayRequest(harness.tokens, { my, ...adapterOptions(config, refusedByCode) })
  const sendWith = (
    start: (success: (r: any) => void, fail: (e: any) => void) => { abort(): void },
    answered: (r: any) => Outcome,
  ): Sent => {
    let task!: { abort(): void }
    const outcome = new Promise<Outcome>((resolve) => {
      task = start(
        (r) => resolve(answered(r)),
        // An HTTP error through fail is still an answer: its status and body, rejected.
        (e) => resolve(e && e.error === 19 ? answerOutcome('rejected', e.status, parsedText(e.data), e) : errorOutcome(e)),
      )
    })
    return { outcome, abort: () => task.abort() }
  }
  const settles = (status: number): Settled => (httpErrorsFail && status >= 400 ? 'rejected' : 'resolved')
  const client = harness.client(
    (path, options = {}) =>
      sendWith(
        (success, fail) =>
          request({ url: urlOf(config, path), method: options.method ?? 'GET', dataType: 'json', auth: options.auth, success, fail }),
        (r) => answerOutcome('resolved', r.status, r.data, r),
      ),
    settles,
  )
  return Object.assign(client, {
    upload: (path: string, { filePath, formData, auth }: UploadOptions) =>
      sendWith(
        (success, fail) =>
          request.uploadFile({ url: urlOf(config, path), filePath, name: 'file', fileType: 'image', formData, auth, success, fail }),
        (r) => answerOutcome('resolved', Number(r.statusCode), parsedText(r.data), r),
      ),
    download: (path: string) =>
      sendWith(
        (success, fail) => request.downloadFile({ url: urlOf(config, path), success, fail }),
        (r) => ({ ...answerOutcome('resolved', r.statusCode, undefined, r), file: r.apFilePath }),
      ),
  })
}
