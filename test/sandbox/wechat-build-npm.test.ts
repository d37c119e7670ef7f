// A native WeChat project with only `npm install painless-token`, built by WeChat's own "Build npm" (miniprogram-ci's
// packNpm): the builder accepts it, ships our miniprogram folder as miniprogram_npm/painless-token/ (CommonJS, ES2017,
// nothing required from outside it), and what it wrote answers every `require` path the README documents inside the
// mini-program sandbox. The shared adapter scenarios (a burst on one refresh, 401 replays, signing) run over the same
// output in sandbox.test.ts; the example app in example-wechat-miniprogram.test.ts.
import { createHmac } from 'node:crypto'
import { Parser } from 'acorn'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { MINIPROGRAM_ENTRIES } from '../../scripts/miniprogram-entries.ts'
import { createMiniProgramSandbox } from './mini-program-sandbox.ts'
import { buildWithWeChat, type WeChatBuild } from './wechat-build.ts'
import { createWxRuntime } from './wx-runtime.ts'

const PACKAGE = 'miniprogram_npm/painless-token/'
let project: WeChatBuild

beforeAll(async () => {
  project = await buildWithWeChat()
}, 60_000)

afterAll(() => project?.remove())

const shipped = () => Object.keys(project.files).filter((file) => file.startsWith(PACKAGE))

/** Requires `names` inside a fresh sandbox holding the built project, as a page of the app would. */
function requireInSandbox(script: string): Record<string, any> {
  const runtime = createWxRuntime()
  onTestFinished(() => runtime.close())
  const sandbox = createMiniProgramSandbox({ wx: runtime.wx, deleteGlobalThis: true, files: project.files })
  onTestFinished(() => sandbox.dispose())
  return sandbox.load(script, 'pages/index/index.js')
}

describe('WeChat’s Build npm (miniprogram-ci packNpm) on `npm install painless-token`', () => {
  it('builds, shipping our miniprogram folder: one file per entry, and nothing of xstate', () => {
    expect(project.warnings).toEqual([])
    for (const entry of Object.keys(MINIPROGRAM_ENTRIES)) expect(shipped()).toContain(`${PACKAGE}${entry}.js`)
    expect(Object.keys(project.files).filter((file) => file.includes('xstate'))).toEqual([])
  })

  it('ships CommonJS of ES2017 syntax that requires nothing from outside the folder (no crypto-js subpath, no xstate)', () => {
    for (const file of shipped()) {
      const code = project.files[file] as string
      expect(() => Parser.parse(code, { ecmaVersion: 2017, sourceType: 'script' }), file).not.toThrow()
      const required = [...code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((match) => match[1] as string)
      expect([file, required.filter((name) => !/^\.\/[\w.-]+\.js$/.test(name))]).toEqual([file, []])
    }
  })

  it('answers a require of every entry in the sandbox', () => {
    const names = Object.keys(MINIPROGRAM_ENTRIES).map((entry) => (entry === 'index' ? 'painless-token' : `painless-token/${entry}`))
    const loaded = requireInSandbox(`module.exports = ${JSON.stringify(names)}.map((name) => Object.keys(require(name)).length)`)

    expect(Array.from(loaded as unknown as number[]).every((count) => count > 0)).toBe(true)
  })

  it('answers require(painless-token), /wx, /uni, /signing, /luch-request and /machine in the sandbox, with one copy of each export', () => {
    const loaded = requireInSandbox(`
      module.exports = {
        root: require('painless-token'),
        wx: require('painless-token/wx'),
        uni: require('painless-token/uni'),
        signing: require('painless-token/signing'),
        luch: require('painless-token/luch-request'),
        machine: require('painless-token/machine'),
      }`)

    for (const name of ['createTokenController', 'wxStorage', 'uniStorage', 'memoryStorage', 'createSigner', 'isTokenError'])
      expect([name, typeof loaded.root[name]]).toEqual([name, 'function'])
    for (const name of ['TokenError', 'TokenRefreshError', 'WaitTimeoutError', 'AbortedError', 'StoppedError'])
      expect([name, typeof loaded.root[name]]).toEqual([name, 'function'])
    expect(typeof loaded.wx.createWxRequest).toBe('function')
    expect(typeof loaded.uni.createUniRequest).toBe('function')
    expect(loaded.signing.createSigner).toBe(loaded.root.createSigner)
    expect(loaded.luch.attachTokenController).toBe(loaded.root.attachTokenController)
    expect(loaded.machine.tokenMachine).toBe(loaded.root.tokenMachine)
  })

  it('rejects a wx request with the root’s own error class (instanceof holds across entries)', async () => {
    const loaded = requireInSandbox(`
      const { createTokenController, TokenError, TokenRefreshError } = require('painless-token')
      const { createWxRequest } = require('painless-token/wx')
      const tokens = createTokenController({ fetchToken: () => Promise.reject(new Error('down')), retry: { attempts: 1 } })
      module.exports.failure = new Promise((resolve) => {
        createWxRequest(tokens)({
          url: 'https://api.example.com/orders',
          fail: (error) => resolve({ code: error.code, isTokenError: error instanceof TokenError, isRefreshError: error instanceof TokenRefreshError }),
        })
      }).then((result) => (tokens.stop(), result))`)

    expect(await loaded.failure).toEqual({ code: 'REFRESH_FAILED', isTokenError: true, isRefreshError: true })
  })

  it('signs with the bundled crypto-js: the HMAC-SHA256 Node computes for the same canonical string', () => {
    const loaded = requireInSandbox(`
      const { createSigner, canonicalRequest, md5Hex } = require('painless-token/signing')
      const config = { url: 'https://api.example.com/orders?b=2&a=1', method: 'POST', data: { n: 1 }, header: {} }
      const signed = createSigner({ secret: 'fixture-secret', now: () => 1700000000000, nonce: () => 'n1' })(config)
      module.exports = { header: signed.header, text: canonicalRequest(config, 1700000000000, 'n1'), md5: md5Hex('abc') }`)

    expect(loaded.header['X-Signature']).toBe(createHmac('sha256', 'fixture-secret').update(loaded.text).digest('hex'))
    expect(loaded.md5).toBe('900150983cd24fb0d6963f7d28e17f72')
  })
})

describe('the negative controls', () => {
  it('ships crypto-js’s main alone: a runtime require of a crypto-js subpath would fail, hence crypto-js inside our folder', () => {
    const loaded = requireInSandbox(`module.exports = { main: typeof require('crypto-js').HmacSHA256 }`)

    expect(loaded.main).toBe('function')
    expect(() => requireInSandbox(`require('crypto-js/hmac-sha256')`)).toThrow("module 'crypto-js/hmac-sha256' is not defined")
  })

  it('fails packNpm when xstate is a plain dependency: the builder parses xstate’s own dist and stops at its `?.`', async () => {
    const attempt = buildWithWeChat({ editPackage: (pkg) => void (pkg.dependencies = { ...pkg.dependencies, xstate: '5.33.3' }) })

    await expect(attempt).rejects.toThrow(/parse js file \(.*xstate[\\/]dist[\\/]xstate\.cjs\.js\) failed: Unexpected token/)
  })
})
