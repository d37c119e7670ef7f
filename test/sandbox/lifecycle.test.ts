// watchLifecycle in a mini-program's runtime, against `wx`: a native WeChat project built by WeChat's own "Build npm"
// (miniprogram-ci's packNpm), whose page requires `painless-token/lifecycle` (miniprogram_npm/painless-token/
// lifecycle.js, as WeChat resolves it) and the controller from `painless-token`, inside the vm sandbox without
// globalThis. The test plays WeChat's app and network events (wx-runtime.ts: onAppShow, onAppHide,
// onNetworkStatusChange, getNetworkType) and moves the controller's clock (the suite's virtual clock, handed in).
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { createVirtualClock, type VirtualClock } from '../helpers/virtual-clock.ts'
import { createMiniProgramSandbox } from './mini-program-sandbox.ts'
import { buildWithWeChat, type WeChatBuild } from './wechat-build.ts'
import { createWxRuntime, type WxRuntime } from './wx-runtime.ts'

let project: WeChatBuild

beforeAll(async () => {
  project = await buildWithWeChat()
}, 60_000)

afterAll(() => project?.remove())

// The page: a controller whose fetchToken waits for the test, and watchLifecycle(tokens, wx), as app.js would.
const PAGE = `
const { createTokenController } = require('painless-token')
const { watchLifecycle } = require('painless-token/lifecycle')
module.exports.start = function (clock) {
  const calls = []
  const tokens = createTokenController({
    fetchToken: function (context) {
      return new Promise(function (resolve, reject) {
        calls.push({ reason: context.reason, attempt: context.attempt, resolve: resolve, reject: reject })
      })
    },
    now: clock.now,
    clock: clock,
    retry: { attempts: 3, baseDelayMs: 1000, jitter: false },
  })
  const detach = watchLifecycle(tokens, wx)
  return { tokens: tokens, calls: calls, detach: detach }
}
`

interface Page {
  tokens: {
    getToken(): Promise<string>
    currentToken(): string | undefined
    stop(): void
    readonly state: string
    readonly actor: { getSnapshot(): { context: { hidden: boolean; offline: boolean } } }
  }
  calls: { reason: string; attempt: number; resolve(grant: unknown): void; reject(error: unknown): void }[]
  detach(): void
}

/** Lets promise callbacks and WeChat's asynchronous answers (getNetworkType) run. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

async function openPage(): Promise<{ page: Page; runtime: WxRuntime; clock: VirtualClock }> {
  const runtime = createWxRuntime()
  const sandbox = createMiniProgramSandbox({ wx: runtime.wx, deleteGlobalThis: true, files: project.files })
  const clock = createVirtualClock()
  const page = sandbox.load(PAGE, 'pages/index/index.js').start(clock) as Page
  onTestFinished(() => {
    page.tokens.stop()
    sandbox.dispose()
    runtime.close()
  })
  await tick()
  // A one-hour token: its soft window (refreshAheadMs, 5 min) opens at 55 min.
  const first = page.tokens.getToken()
  await tick()
  page.calls[0]!.resolve({ access_token: 'token-1', expires_in: 3600 })
  expect(await first).toBe('token-1')
  return { page, runtime, clock }
}

describe('watchLifecycle against wx in the mini-program sandbox (the built miniprogram_npm)', () => {
  it('ships painless-token/lifecycle as its own CommonJS file, which requires nothing', () => {
    const code = project.files['miniprogram_npm/painless-token/lifecycle.js']
    expect(code).toBeDefined()
    expect(code).not.toMatch(/\brequire\(/)
  })

  it('refreshes nothing while hidden, even inside the soft window, and refreshes at once on onAppShow', async () => {
    const { page, runtime, clock } = await openPage()
    expect(runtime.lifecycle.listeners('AppShow')).toBe(1)
    expect(runtime.lifecycle.networkTypeCalls).toBe(1)

    runtime.lifecycle.hide()
    clock.advance(56 * 60_000)
    expect(page.tokens.currentToken()).toBe('token-1')
    expect(await page.tokens.getToken()).toBe('token-1')
    expect(page.calls.length).toBe(1)

    runtime.lifecycle.show()
    expect(page.calls.map((call) => call.reason)).toEqual(['missing', 'ahead'])
    expect(page.tokens.currentToken()).toBe('token-1')
    page.calls[1]!.resolve({ access_token: 'token-2', expires_in: 3600 })
    await tick()
    expect(page.tokens.currentToken()).toBe('token-2')
  })

  it('holds a retry while onNetworkStatusChange says offline, spending no attempt, and fires it when back online', async () => {
    const { page, runtime, clock } = await openPage()
    clock.advance(61 * 60_000)
    const request = page.tokens.getToken()
    expect(page.calls.length).toBe(2)
    page.calls[1]!.reject(new Error('request:fail'))
    await tick()

    runtime.lifecycle.setOnline(false)
    clock.advance(20_000)
    expect(page.calls.length).toBe(2)

    runtime.lifecycle.setOnline(true)
    expect(page.calls.length).toBe(3)
    expect(page.calls[2]!.attempt).toBe(2)
    page.calls[2]!.resolve({ access_token: 'token-2', expires_in: 3600 })
    expect(await request).toBe('token-2')
  })

  it('detaches with wx.offAppShow, wx.offAppHide and wx.offNetworkStatusChange, and leaves the controller shown and online', async () => {
    const { page, runtime } = await openPage()
    runtime.lifecycle.hide()
    runtime.lifecycle.setOnline(false)
    expect(page.tokens.actor.getSnapshot().context).toMatchObject({ hidden: true, offline: true })

    page.detach()
    page.detach()
    for (const kind of ['AppShow', 'AppHide', 'NetworkStatusChange'] as const) expect(runtime.lifecycle.listeners(kind)).toBe(0)
    expect(page.tokens.actor.getSnapshot().context).toMatchObject({ hidden: false, offline: false })
  })
})
