// watchLifecycle against a real controller on the virtual clock: the app's show/hide and the network, from each
// mini-program global's shapes (test/helpers/mini-program-lifecycle.ts plays the platform) and from a web window.
// What the machine does with them (no background refresh while hidden, a retry that waits offline without spending
// an attempt, a refresh on show) is checked end to end, through fetchToken's calls. The sandbox
// (test/sandbox/lifecycle.test.ts) and headless Chromium (test/e2e/lifecycle.e2e.test.ts) run the same on the real
// builds.
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import { createTokenController, type TokenControllerOptions } from '../src/index.ts'
import { watchLifecycle, type LifecycleHost } from '../src/entries/lifecycle.ts'
import { fakeFetch, settle, track } from './helpers/fake-fetch.ts'
import { fakeMiniProgramLifecycle, type LifecyclePlatform } from './helpers/mini-program-lifecycle.ts'
import { createVirtualClock } from './helpers/virtual-clock.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const HOUR_S = 3_600
// A one-hour token: with the default refreshAheadMs (5 min) and leewayMs (30 s), the soft window opens at 55 min.
const INSIDE_SOFT_WINDOW_MS = 56 * 60_000
const PAST_EXPIRY_MS = 61 * 60_000

/** A real controller on the virtual clock, holding a one-hour token. Backoff without jitter: 1 s, then 2 s. */
async function controllerWithToken(options: Partial<TokenControllerOptions> = {}) {
  const clock = createVirtualClock()
  const fetch = fakeFetch()
  const tokens = createTokenController({
    fetchToken: fetch.fetchToken,
    now: clock.now,
    clock,
    retry: { attempts: 3, baseDelayMs: 1_000, jitter: false },
    ...options,
  })
  onTestFinished(() => tokens.stop())
  const first = tokens.getToken()
  await settle()
  fetch.last().grant('token-1', HOUR_S)
  expect(await first).toBe('token-1')
  return { clock, fetch, tokens, flags: () => tokens.actor.getSnapshot().context }
}

/** A web window and document for Node: real EventTargets (Node's) with the fields a browser sets. */
function webHost(start: { hidden?: boolean; onLine?: boolean } = {}) {
  const document = Object.assign(new EventTarget(), { visibilityState: start.hidden ? 'hidden' : 'visible', hidden: !!start.hidden })
  const navigator = { onLine: start.onLine ?? true }
  const window = Object.assign(new EventTarget(), { document, navigator })
  // A browser's window is its own `window`.
  Object.assign(window, { window })
  return {
    window,
    document,
    setVisible(visible: boolean) {
      document.visibilityState = visible ? 'visible' : 'hidden'
      document.hidden = !visible
      document.dispatchEvent(new Event('visibilitychange'))
    },
    setOnline(onLine: boolean) {
      navigator.onLine = onLine
      window.dispatchEvent(new Event(onLine ? 'online' : 'offline'))
    },
  }
}

const PLATFORMS: LifecyclePlatform[] = ['wx', 'uni', 'my', 'tt']

describe.each(PLATFORMS)('watchLifecycle on %s', (platform) => {
  async function attached(options: { online?: boolean } = {}) {
    const setup = await controllerWithToken()
    const host = fakeMiniProgramLifecycle({ platform, ...options })
    const detach = watchLifecycle(setup.tokens, host.api)
    onTestFinished(detach)
    await settle() // getNetworkType's answer
    return { ...setup, host, detach }
  }

  it('starts no background refresh while hidden, even inside the soft window; shown, it refreshes at once', async () => {
    const { clock, fetch, tokens, host } = await attached()
    host.hide()
    clock.advance(INSIDE_SOFT_WINDOW_MS)

    expect(tokens.currentToken()).toBe('token-1')
    expect(await tokens.getToken()).toBe('token-1')
    expect(fetch.count).toBe(1)

    host.show()
    expect(fetch.count).toBe(2)
    expect(fetch.last().reason).toBe('ahead')
    expect(tokens.currentToken()).toBe('token-1')
  })

  it('refreshes as the app comes back with an expired token, before any request asks', async () => {
    const { clock, fetch, tokens, host } = await attached()
    host.hide()
    clock.advance(PAST_EXPIRY_MS)
    expect(fetch.count).toBe(1)

    host.show()
    expect(fetch.count).toBe(2)
    expect(fetch.last().reason).toBe('expired')
    const request = tokens.getToken()
    fetch.last().grant('token-2', HOUR_S)
    expect(await request).toBe('token-2')
    expect(fetch.count).toBe(2)
  })

  it('fetches nothing on show while the token is not yet in its soft window', async () => {
    const { clock, fetch, host } = await attached()
    host.hide()
    clock.advance(30 * 60_000)
    host.show()
    expect(fetch.count).toBe(1)
  })

  it('holds a retry due while offline without spending an attempt, and fires it at once when back online', async () => {
    const { clock, fetch, tokens, host } = await attached()
    clock.advance(PAST_EXPIRY_MS)
    const request = track(tokens.getToken())
    expect(fetch.count).toBe(2)
    fetch.last().fail(new Error('network down'))
    await settle()

    host.setOnline(false)
    clock.advance(20_000) // the 1 s backoff, many times over
    expect(fetch.count).toBe(2)
    expect(request.status).toBe('pending')

    host.setOnline(true)
    expect(fetch.count).toBe(3)
    expect(fetch.last().attempt).toBe(2)
    fetch.last().grant('token-2', HOUR_S)
    await settle()
    expect(request).toMatchObject({ status: 'fulfilled', value: 'token-2' })
  })

  it('still times a parked request out while offline (waitTimeoutMs)', async () => {
    const { clock, fetch, tokens, host } = await attached()
    clock.advance(PAST_EXPIRY_MS)
    const request = track(tokens.getToken())
    fetch.last().fail(new Error('network down'))
    await settle()
    host.setOnline(false)

    clock.advance(30_000)
    await settle()
    expect(request.reason).toMatchObject({ code: 'WAIT_TIMEOUT' })
    expect(fetch.count).toBe(2)
  })

  it('reads the network once at attach: offline there, no background refresh until it comes back', async () => {
    const { clock, fetch, tokens, host, flags } = await attached({ online: false })
    expect(host.networkTypeCalls).toBe(1)
    expect(flags().offline).toBe(true)

    clock.advance(INSIDE_SOFT_WINDOW_MS)
    expect(await tokens.getToken()).toBe('token-1')
    expect(fetch.count).toBe(1)

    host.setOnline(true)
    expect(fetch.count).toBe(2)
    expect(fetch.last().reason).toBe('ahead')
  })

  it('tells the controller only changes of online-ness, not of network type (wifi to 4g)', async () => {
    const { clock, fetch, host } = await attached()
    clock.advance(INSIDE_SOFT_WINDOW_MS)
    host.setOnline(true, platform === 'my' ? '4G' : '4g')
    expect(fetch.count).toBe(1)
  })

  it('lets a status change that came first win over getNetworkType’s later answer', async () => {
    const { tokens } = await controllerWithToken()
    const host = fakeMiniProgramLifecycle({ platform, online: false })
    onTestFinished(watchLifecycle(tokens, host.api))
    host.setOnline(true)
    await settle()
    expect(tokens.actor.getSnapshot().context.offline).toBe(false)
  })

  it('detaches: its listeners come off where the platform has off*, later callbacks are ignored, and the controller is shown and online again', async () => {
    const { clock, fetch, tokens, host, detach, flags } = await attached()
    host.hide()
    host.setOnline(false)
    expect(flags()).toMatchObject({ hidden: true, offline: true })

    detach()
    expect(flags()).toMatchObject({ hidden: false, offline: false })
    expect(host.listeners('AppShow')).toBe(0)
    expect(host.listeners('AppHide')).toBe(0)
    // Douyin before base library 1.91 has no offNetworkStatusChange: the listener stays, and is ignored.
    expect(host.listeners('NetworkStatusChange')).toBe(platform === 'tt' ? 1 : 0)
    host.setOnline(false)
    host.hide()
    expect(flags()).toMatchObject({ hidden: false, offline: false })

    clock.advance(INSIDE_SOFT_WINDOW_MS)
    expect(await tokens.getToken()).toBe('token-1')
    expect(fetch.count).toBe(2)
    expect(() => detach()).not.toThrow()
  })
})

describe('watchLifecycle on a web window', () => {
  it.each([
    ['window', (web: ReturnType<typeof webHost>) => web.window],
    ['{ window, document }', (web: ReturnType<typeof webHost>) => ({ window: web.window, document: web.document })],
  ] as const)('follows visibilitychange and online/offline given %s', async (_shape, hostOf) => {
    const { clock, fetch, tokens, flags } = await controllerWithToken()
    const web = webHost()
    onTestFinished(watchLifecycle(tokens, hostOf(web)))

    web.setVisible(false)
    clock.advance(INSIDE_SOFT_WINDOW_MS)
    expect(await tokens.getToken()).toBe('token-1')
    expect(fetch.count).toBe(1)
    web.setOnline(false)
    web.setVisible(true)
    expect(fetch.count).toBe(1)
    expect(flags()).toMatchObject({ hidden: false, offline: true })

    web.setOnline(true)
    expect(fetch.count).toBe(2)
    expect(fetch.last().reason).toBe('ahead')
  })

  it('reads document.visibilityState and navigator.onLine at attach', async () => {
    const { flags, tokens } = await controllerWithToken()
    const web = webHost({ hidden: true, onLine: false })
    const detach = watchLifecycle(tokens, web.window)
    expect(flags()).toMatchObject({ hidden: true, offline: true })

    detach()
    expect(flags()).toMatchObject({ hidden: false, offline: false })
    web.setVisible(false)
    web.setOnline(false)
    expect(flags()).toMatchObject({ hidden: false, offline: false })
  })

  it('reads document.hidden where visibilityState is missing, and a navigator passed beside the pair', async () => {
    const { flags, tokens } = await controllerWithToken()
    const document = Object.assign(new EventTarget(), { hidden: true })
    onTestFinished(watchLifecycle(tokens, { window: new EventTarget(), document, navigator: { onLine: false } }))
    expect(flags()).toMatchObject({ hidden: true, offline: true })
  })

  it('starts no fetch by attaching to a visible, online page', async () => {
    const { clock, fetch, tokens } = await controllerWithToken()
    clock.advance(INSIDE_SOFT_WINDOW_MS)
    onTestFinished(watchLifecycle(tokens, webHost().window))
    expect(fetch.count).toBe(1)
  })
})

describe('watchLifecycle with bad input', () => {
  it('refuses something that is not a controller', () => {
    const host = fakeMiniProgramLifecycle().api
    for (const tokens of [undefined, null, {}, { getToken: () => Promise.resolve('t') }, { setAppVisible: () => {} }]) {
      expect(() => watchLifecycle(tokens as never, host)).toThrow(new TypeError('watchLifecycle: tokens must be a token controller'))
    }
  })

  it('refuses a host of neither shape, naming what it needs', async () => {
    const { tokens } = await controllerWithToken()
    const hosts = [undefined, null, 42, 'wx', {}, { addEventListener() {}, removeEventListener() {} }, { window: new EventTarget() }]
    for (const host of hosts) expect(() => watchLifecycle(tokens, host as never), String(host)).toThrow(TypeError)
    expect(() => watchLifecycle(tokens, {} as LifecycleHost)).toThrow(/wx, uni, my, tt .*a window or \{ window, document \}/)
  })

  it('refuses half a pair: onAppShow without onAppHide', async () => {
    const { tokens } = await controllerWithToken()
    expect(() => watchLifecycle(tokens, { onAppShow: () => {} })).toThrow(/onAppShow or onAppHide, not both/)
  })

  it('watches the network alone where the host has no app events (a WeChat plugin)', async () => {
    const { tokens, flags } = await controllerWithToken()
    const { onNetworkStatusChange, offNetworkStatusChange, getNetworkType } = fakeMiniProgramLifecycle({ online: false }).api
    onTestFinished(watchLifecycle(tokens, { onNetworkStatusChange, offNetworkStatusChange, getNetworkType }))
    await settle()
    expect(flags().offline).toBe(true)
  })

  it('says which registration threw, keeps the platform’s error as the cause, and leaves nothing attached', async () => {
    const { tokens } = await controllerWithToken()
    const platform = fakeMiniProgramLifecycle()
    const refusal = new Error('onNetworkStatusChange:fail not supported')
    const host = {
      ...platform.api,
      onNetworkStatusChange: () => {
        throw refusal
      },
    }

    let thrown: unknown
    try {
      watchLifecycle(tokens, host)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(TypeError)
    expect(thrown).toMatchObject({ message: "watchLifecycle: adding the host's onNetworkStatusChange threw", cause: refusal })
    expect(platform.listeners('AppShow')).toBe(0)
    expect(platform.listeners('AppHide')).toBe(0)
  })

  it('says which web listener threw', async () => {
    const { tokens } = await controllerWithToken()
    const web = webHost()
    web.window.addEventListener = () => {
      throw new Error('no')
    }
    expect(() => watchLifecycle(tokens, web.window)).toThrow("watchLifecycle: adding the host's online listener threw")
  })

  it('survives a getNetworkType that throws, fails, or hands back a rejected promise: the controller assumes online', async () => {
    const { tokens, flags } = await controllerWithToken()
    const platform = fakeMiniProgramLifecycle({ online: false, networkTypeFails: true })
    const answers = [
      platform.api.getNetworkType!,
      () => {
        throw new Error('getNetworkType:fail')
      },
      // uni's and my's promisified calls also hand back a promise
      () => Promise.reject(new Error('getNetworkType:fail')),
    ]
    for (const getNetworkType of answers) {
      const detach = watchLifecycle(tokens, { ...platform.api, getNetworkType })
      await settle()
      expect(flags().offline).toBe(false)
      detach()
    }
  })

  it('detaches quietly when the platform’s off* throws, and ignores later callbacks', async () => {
    const { tokens, flags } = await controllerWithToken()
    const platform = fakeMiniProgramLifecycle()
    const host = {
      ...platform.api,
      offAppShow: () => {
        throw new Error('offAppShow:fail')
      },
    }
    const detach = watchLifecycle(tokens, host)
    expect(() => detach()).not.toThrow()
    expect(platform.listeners('AppShow')).toBe(1)
    platform.hide()
    expect(flags().hidden).toBe(false)
  })
})

describe('watchLifecycle after tokens.stop()', () => {
  it('passes callbacks to a stopped controller, which ignores them: nothing throws, logs or fetches', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    onTestFinished(() => {
      warn.mockRestore()
      error.mockRestore()
    })
    const { clock, fetch, tokens } = await controllerWithToken()
    const platform = fakeMiniProgramLifecycle()
    const web = webHost()
    const detachers = [watchLifecycle(tokens, platform.api), watchLifecycle(tokens, web.window)]
    await settle()
    platform.hide()
    web.setOnline(false)
    tokens.stop()

    clock.advance(PAST_EXPIRY_MS)
    platform.show()
    platform.setOnline(true)
    web.setVisible(true)
    web.setOnline(true)
    for (const detach of detachers) detach()

    expect(fetch.count).toBe(1)
    expect(warn).not.toHaveBeenCalled()
    expect(error).not.toHaveBeenCalled()
    await expect(tokens.getToken()).rejects.toMatchObject({ code: 'STOPPED' })
  })
})
