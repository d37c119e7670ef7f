// Scenario client on createUniRequest (painless-token/uni). `uni` is the runtime's, or the global one when omitted.
import { createUniRequest, type MiniPlatform, type UniRequest } from '../../../src/entries/uni.ts'
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

export function startUni(config: ClientConfig, uni?: MiniPlatform): TransferClient {
  let request!: UniRequest
  const harness = createHarness(config, async () => {
    const token = { url: config.serverUrl + '/token', method: 'POST', header: TOKEN_FORM.contentType, data: TOKEN_FORM.body }
    const result = await request({ ...token, dataType: 'json', auth: false })
    if (result.statusCode !== 200) throw result
    return result.data
  })
  request = createUniRequest(harness.tokens, { uni, ...adapterOptions(config, miniRefused) })
  const client = harness.client((path, options = {}) => {
    const sent = request({ url: urlOf(config, path), method: options.method ?? 'GET', dataType: 'json', auth: options.auth })
    return { outcome: sent.then((r) => answerOutcome('resolved', r.statusCode, r.data, r), errorOutcome), abort: () => sent.abort() }
  }, resolvesAll)
  return Object.assign(client, {
    upload(path: string, { filePath, formData, auth }: UploadOptions) {
      const sent = request.uploadFile({ url: urlOf(config, path), filePath, name: 'file', formData, auth })
      return {
        outcome: sent.then((r) => answerOutcome('resolved', r.statusCode, parsedText(r.data), r), errorOutcome),
        abort: () => sent.abort(),
      }
    },
    download(path: string) {
      const sent = request.downloadFile({ url: urlOf(config, path) })
      const outcome = sent.then((r) => ({ ...answerOutcome('resolved', r.statusCode, undefined, r), file: r.tempFilePath }), errorOutcome)
      return { outcome, abort: () => sent.abort() }
    },
  })
}
