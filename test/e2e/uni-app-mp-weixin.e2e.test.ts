// examples/uni-app built for WeChat (`uni build -p mp-weixin`) and run in the mini-program sandbox: the compiled
// app.js, common/vendor.js and page run in a vm context with only WeChat's globals and no code generation from
// strings; wx.request reaches the loopback token server (the build's https://api.example.com is routed there).
// The page is tapped through its WXML and read through its rendered data attributes. Once more without globalThis.
// Every scenario starts as a person would: App.onLaunch finds no session and reLaunches to the login page, whose
// one tap (the demo account is filled in) signs in and reLaunches to the index page. WeChat's page stack is not
// emulated: the wx shim records reLaunch (support/uni-app-wx.ts) and the test opens the page it named.
// Once per variant (support/uni-app-build.ts): painless-token from npm (this repository's source) and from the
// uni_modules folder that `npm run build:uni-modules` writes.
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { startTokenServer, type TokenServer, type TokenServerOptions } from '../helpers/token-server.ts'
import { freeGlobals } from '../sandbox/bundle.ts'
import { OFFERED_GLOBALS } from '../sandbox/mini-program-sandbox.ts'
import { createWxRuntime } from '../sandbox/wx-runtime.ts'
import { launchMiniProgram, type MiniProgramPage } from './support/mp-weixin-app.ts'
import { buildUniApp, readTree, UNI_MODULES_BANNER, UNI_VARIANTS } from './support/uni-app-build.ts'
import { uniAppWx } from './support/uni-app-wx.ts'

const API_BASE = 'https://api.example.com'
const OUTCOME = 'data-testid="outcome"'
const LOGIN_PAGE = 'data-testid="login"'
const LOGIN = '/pages/login/login'
const INDEX = '/pages/index/index'

describe.each(UNI_VARIANTS)('painless-token from %s', (variant) => {
  let files: Record<string, string> = {}

  beforeAll(async () => {
    files = readTree((await buildUniApp('mp-weixin', { variant, env: { UNI_EXAMPLE_API_BASE: API_BASE } })).dir)
  })

  describe('the mp-weixin build of examples/uni-app', () => {
    it(`holds app.js, common/vendor.js and the page, with one copy of painless-token bundled from ${variant}`, () => {
      // uni keeps a uni_modules file in its own place in the mini-program, as it does for HBuilderX projects; code from
      // the npm package lands in common/vendor.js.
      const holder = variant === 'npm' ? 'common/vendor.js' : 'uni_modules/painless-token/js_sdk/painless-token.js'
      expect(Object.keys(files)).toEqual(
        expect.arrayContaining([
          'app.js',
          'app.json',
          'common/vendor.js',
          'pages/index/index.js',
          'pages/index/index.wxml',
          'pages/login/login.js',
          'pages/login/login.wxml',
          holder,
        ]),
      )
      const holding = (text: string) => Object.keys(files).filter((path) => path.endsWith('.js') && files[path]?.includes(text))
      expect(holding('token refresh failed after')).toEqual([holder])
      // The uni_modules copy announces itself in a legal comment that minifiers keep; the source has none.
      expect(holding(UNI_MODULES_BANNER)).toEqual(variant === 'uni-modules' ? [holder] : [])
      // The page never signs: crypto-js (one of its messages stands for it) is left out in both variants.
      expect(holding('Malformed UTF-8 data')).toEqual([])
    })

    it('probes with typeof every global it names that the mini-program runtime does not offer', () => {
      const scripts = Object.fromEntries(
        Object.entries(files)
          .filter(([path]) => path.endsWith('.js'))
          .map(([path, code]) => [path.slice(0, -3), code]),
      )
      const offered = new Set<string>(OFFERED_GLOBALS)
      const unguarded = Object.entries(freeGlobals(scripts)).flatMap(([script, globals]) =>
        Object.entries(globals)
          .filter(([name, { typeofRefs }]) => !offered.has(name) && typeofRefs === 0)
          .map(([name]) => `${script}: ${name}`),
      )
      expect(unguarded).toEqual([])
    })
  })

  describe.each([
    ['with globalThis', false],
    ['with globalThis deleted', true],
  ])('examples/uni-app built for mp-weixin, in the mini-program sandbox %s', (_, deleteGlobalThis) => {
    /** Launches the build against a fresh token server: App.onLaunch finds no session and opens the login page. */
    async function launch(serverOptions: TokenServerOptions = {}) {
      let clockOffsetMs = 0
      const server: TokenServer = await startTokenServer({ ...serverOptions, now: () => Date.now() + clockOffsetMs })
      onTestFinished(() => server.close())
      const runtime = createWxRuntime({ route: (url) => url.replace(API_BASE, server.url) })
      onTestFinished(() => runtime.close())
      const wx = uniAppWx(runtime.wx)
      const program = launchMiniProgram({ files, wx: wx.wx, deleteGlobalThis })
      onTestFinished(() => program.dispose())
      await wx.relaunched(1)
      expect(wx.launches).toEqual([LOGIN])
      return {
        server,
        runtime,
        wx,
        program,
        /** Opens a page as reLaunch would have; it is unloaded when the test ends. */
        open(route: string, query: Record<string, string> = {}) {
          const page = program.openPage(route, query)
          onTestFinished(() => {
            page.lifecycle('onUnload')
          })
          return page
        },
        /** Moves the token server's clock: tokens it issued expire there by its own time. */
        advanceServerClock: (ms: number) => void (clockOffsetMs += ms),
      }
    }

    /** Launches, signs in with the one tap the login page needs, and opens the index page it reLaunches to. */
    async function launchSignedIn(serverOptions: TokenServerOptions = {}, query: Record<string, string> = {}) {
      const app = await launch(serverOptions)
      const login = app.open('pages/login/login')
      login.tap('data-action="sign-in"')
      await app.wx.relaunched(2)
      expect(app.wx.launches).toEqual([LOGIN, INDEX])
      return { ...app, page: app.open('pages/index/index', query) }
    }

    const outcome = (page: MiniProgramPage) => ({
      result: page.attribute(OUTCOME, 'data-result'),
      error: page.attribute(OUTCOME, 'data-error'),
    })
    const batchShown = (page: MiniProgramPage, batch: number) => page.until(() => page.attribute(OUTCOME, 'data-batch') === batch)

    /** Taps a button and waits for the batch it starts to be rendered. */
    async function tap(page: MiniProgramPage, action: 'one' | 'burst') {
      const before = Number(page.attribute(OUTCOME, 'data-batch'))
      page.tap(`data-action="${action}"`)
      await batchShown(page, before + 1)
      return outcome(page)
    }

    const bearerOf = (server: TokenServer) => /^Bearer (.+)$/.exec(String(server.lastHeaders('/api/orders')?.authorization))?.[1]

    it("shows the login page's error for a wrong password, and starts no session", async () => {
      const { server, wx, open } = await launch({ account: { username: 'demo', password: 'another-password' } })
      const login = open('pages/login/login')

      login.tap('data-action="sign-in"')
      await login.until(() => login.attribute(LOGIN_PAGE, 'data-error') === 'invalid_credentials')

      expect(server.liveSessions()).toBe(0)
      expect(wx.launches).toEqual([LOGIN])
    })

    it("signs in, then sends the page's request through uni.request on wx.request with a bearer token, and renders no token", async () => {
      const { server, runtime, page, program } = await launchSignedIn()

      expect(await tap(page, 'one')).toEqual({ result: '200', error: '' })

      expect(server.calls('/login')).toBe(1)
      expect(server.calls('/token')).toBe(0)
      expect(runtime.calls).toBe(2)
      const token = bearerOf(server)
      expect(token).toMatch(/^[\w-]{20,}$/)
      expect(JSON.stringify(page.data)).not.toContain(token)
      // In storage it is: uni storage over wx storage, as the app configured.
      expect(String(runtime.storage.get('painless-token'))).toContain(token)
      expect(program.sandbox.evaluate('typeof globalThis')).toBe(deleteGlobalThis ? 'undefined' : 'object')
    })

    it('sends from onLoad when the page is opened with ?send=1', async () => {
      const { server, page } = await launchSignedIn({}, { send: '1' })

      await batchShown(page, 1)

      expect(outcome(page)).toEqual({ result: '200', error: '' })
      expect(server.calls('/api/orders')).toBe(1)
    })

    it('makes exactly one refresh_token call for a burst sent after the token expired', async () => {
      // The page is told its token lives 2 ms (the server accepts it for 20 s): a token that short is fresh for half its
      // life, so by the time the burst is sent, after the sign-in's round trip, the page knows it is spent.
      const { server, page, advanceServerClock } = await launchSignedIn({ ttlSeconds: 20, expiresInSeconds: 0.002 })
      advanceServerClock(60_000)
      server.setTokenBehaviour({ ttlSeconds: 3600, expiresInSeconds: undefined })

      expect(await tap(page, 'burst')).toEqual({ result: '200 200 200 200 200', error: '' })

      expect(server.calls('/token')).toBe(1)
      expect(server.refreshGrants()).toEqual({ rotated: 1, refused: 0 })
      // Five requests, none refused: the expired token never went out.
      expect(server.calls('/api/orders')).toBe(5)
    })

    it('replays a burst refused after a revocation with one new token, from a pull-down refresh', async () => {
      const { server, page, wx } = await launchSignedIn()
      await tap(page, 'one')
      server.revokeAll()

      page.lifecycle('onPullDownRefresh')
      await batchShown(page, 2)

      expect(outcome(page)).toEqual({ result: '200 200 200 200 200', error: '' })
      expect(server.calls('/token')).toBe(1)
      expect(server.calls('/api/orders')).toBe(1 + 5 + 5)
      expect(JSON.stringify(page.data)).not.toContain(bearerOf(server))
      await wx.pullDownStopped
      expect(wx.pullDownStops).toBe(1)
    })

    it('renders REFRESH_FAILED when the token endpoint keeps failing, sends no API request, and keeps the session', async () => {
      const { server, page, wx } = await launchSignedIn({ tokenStatus: 503, ttlSeconds: 20, expiresInSeconds: 0.002 })

      expect(await tap(page, 'burst')).toEqual({ result: Array(5).fill('REFRESH_FAILED').join(' '), error: 'REFRESH_FAILED' })

      expect(server.calls('/token')).toBe(3)
      expect(server.calls('/api/orders')).toBe(0)
      expect(wx.launches).toEqual([LOGIN, INDEX])
    })

    it('renders LOGIN_REQUIRED for a burst once the server killed the session, with one refresh call and one reLaunch to the login page', async () => {
      const { server, page, wx } = await launchSignedIn({ ttlSeconds: 20, expiresInSeconds: 0.002 })
      server.revokeSessions()

      expect(await tap(page, 'burst')).toEqual({ result: Array(5).fill('LOGIN_REQUIRED').join(' '), error: 'LOGIN_REQUIRED' })

      expect(server.calls('/token')).toBe(1)
      expect(server.calls('/api/orders')).toBe(0)
      expect(wx.launches).toEqual([LOGIN, INDEX, LOGIN])
    })

    it('signs out: revokes the refresh token at the server once and reLaunches to the login page', async () => {
      const { server, runtime, page, wx } = await launchSignedIn()
      await tap(page, 'one')

      page.tap('data-action="logout"')
      await wx.relaunched(3)

      expect(wx.launches).toEqual([LOGIN, INDEX, LOGIN])
      await server.whenCalled('/revoke', 1)
      await server.whenIdle('/revoke')
      expect(server.revoked()).toBe(1)
      expect(server.liveSessions()).toBe(0)
      expect(String(runtime.storage.get('painless-token') ?? '')).not.toContain('access')
      expect(await tap(page, 'one')).toEqual({ result: 'LOGIN_REQUIRED', error: 'LOGIN_REQUIRED' })
      expect(server.calls('/api/orders')).toBe(1)
      expect(server.calls('/token')).toBe(0)
    })
  })
})
