// examples/uni-app built for H5 (`uni build`) and run in headless Chromium: the built page and the token server
// share one loopback origin, the page's buttons send through luch-request and the real uni.request (XMLHttpRequest),
// and the outcome shows in the page's data attributes. Never a token: the page must not render one.
// A person's session: the app starts on its login page (POST /login → tokens.setGrant), refreshes with the
// refresh_token grant, and is sent back to the login page once when the server refuses the refresh token or the
// person signs out (revoked at the server's /revoke).
// Once per variant (support/uni-app-build.ts): painless-token from npm (this repository's source) and from the
// uni_modules folder that `npm run build:uni-modules` writes.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { DEMO_ACCOUNT, startTokenServer, type TokenServer, type TokenServerOptions } from '../helpers/token-server.ts'
import { launchChromium } from './support/browser.ts'
import { startSameOriginServer } from './support/same-origin-server.ts'
import { buildUniApp, readTree, UNI_MODULES_BANNER, UNI_VARIANTS, type UniBuild } from './support/uni-app-build.ts'

let browser: Browser

beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

describe.each(UNI_VARIANTS)('examples/uni-app (painless-token from %s) built for H5, in headless Chromium', (variant) => {
  let build: UniBuild

  beforeAll(async () => {
    build = await buildUniApp('h5', { variant })
  })

  /** Opens the built app on a fresh origin (so fresh storage) in front of a fresh token server: the login page. */
  async function open(serverOptions: TokenServerOptions = {}) {
    let clockOffsetMs = 0
    const server: TokenServer = await startTokenServer({ ...serverOptions, now: () => Date.now() + clockOffsetMs })
    onTestFinished(() => server.close())
    const origin = await startSameOriginServer(build.dir, server.url)
    onTestFinished(() => origin.close())
    const context = await browser.newContext()
    onTestFinished(() => context.close())
    const page = await context.newPage()
    const pageErrors: string[] = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
    await page.goto(origin.url + '/')
    await loginShown(page, 1)
    return {
      server,
      page,
      pageErrors,
      /** Moves the token server's clock: tokens it issued expire there by its own time. */
      advanceServerClock: (ms: number) => void (clockOffsetMs += ms),
    }
  }

  /** Opens the app and signs in with the demo account the login page is filled with: the index page. */
  async function openSignedIn(serverOptions: TokenServerOptions = {}) {
    const app = await open(serverOptions)
    await signIn(app.page)
    return app
  }

  /** Waits for the login page, opened for the `opened`th time since the app started. */
  const loginShown = (page: Page, opened: number) => page.locator(`[data-testid="login"][data-opened="${opened}"]`).waitFor()

  /** Taps "Sign in" on the login page, filled with the demo account, and waits for the index page. */
  async function signIn(page: Page) {
    await page.locator('[data-action="sign-in"]').click()
    await page.locator('[data-testid="outcome"]').waitFor()
  }

  /** Clicks a button and waits for the batch it starts to be shown. */
  async function tap(page: Page, action: 'one' | 'burst') {
    const outcome = page.locator('[data-testid="outcome"]')
    const before = Number(await outcome.getAttribute('data-batch'))
    await page.locator(`[data-action="${action}"]`).click()
    await page.locator(`[data-testid="outcome"][data-batch="${before + 1}"]`).waitFor()
    return { result: await outcome.getAttribute('data-result'), error: await outcome.getAttribute('data-error') }
  }

  /**
   * Records every data-result the outcome element shows from now on, even one shown just before the page is torn
   * down (a lost session reLaunches to the login page while the burst's outcome renders).
   */
  async function recordResults(page: Page): Promise<() => Promise<string[]>> {
    await page.evaluate(() => {
      const seen: string[] = []
      ;(window as unknown as { seenResults: string[] }).seenResults = seen
      new MutationObserver((records) => {
        for (const record of records) {
          const result = (record.target as Element).getAttribute?.('data-result')
          if (result) seen.push(result)
        }
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-result'] })
    })
    return () => page.evaluate(() => (window as unknown as { seenResults: string[] }).seenResults)
  }

  /** Everything the app keeps in localStorage (uniStorage on H5), as text. */
  const storedText = (page: Page) => page.evaluate(() => JSON.stringify({ ...localStorage }))

  const bearerOf = (server: TokenServer) => /^Bearer (.+)$/.exec(String(server.lastHeaders('/api/orders')?.authorization))?.[1]

  it(`builds with uni build into an index.html and scripts that hold painless-token from ${variant}`, () => {
    const files = readTree(build.dir)
    expect(files['index.html']).toContain('<div id="app">')
    const scripts = Object.entries(files)
      .filter(([path]) => path.endsWith('.js'))
      .map(([, code]) => code)
    expect(scripts.some((code) => code.includes('token refresh failed after'))).toBe(true)
    // The uni_modules copy announces itself in a legal comment that minifiers keep; the source has none.
    expect(scripts.some((code) => code.includes(UNI_MODULES_BANNER))).toBe(variant === 'uni-modules')
    // The page never signs: crypto-js (one of its messages stands for it) is left out in both variants.
    expect(scripts.filter((code) => code.includes('Malformed UTF-8 data'))).toEqual([])
  })

  it('opens the login page on a fresh origin, and sends nothing before sign-in', async () => {
    const { server, page, pageErrors } = await open()

    expect(page.url()).toMatch(/#\/pages\/login\/login$/)
    expect(await page.locator('[data-testid="username"] input').inputValue()).toBe(DEMO_ACCOUNT.username)
    expect(server.calls()).toBe(0)
    expect(await storedText(page)).not.toContain('access')
    expect(pageErrors).toEqual([])
  })

  it('shows an error line for a wrong password and starts no session', async () => {
    const { server, page } = await open()

    await page.locator('[data-testid="password"] input').fill('wrong-password')
    await page.locator('[data-action="sign-in"]').click()
    await page.locator('[data-testid="login"][data-error="invalid_credentials"]').waitFor()

    expect(await page.locator('.error').textContent()).toBe('Wrong username or password')
    expect(server.calls('/login')).toBe(1)
    expect(server.liveSessions()).toBe(0)
    expect(page.url()).toMatch(/#\/pages\/login\/login$/)
  })

  it("signs in, then sends the page's request through the browser's uni.request with a bearer token, and shows no token", async () => {
    const { server, page, pageErrors } = await openSignedIn()

    expect(await tap(page, 'one')).toEqual({ result: '200', error: '' })

    // The login's access token serves the request: no refresh yet.
    expect(server.calls('/login')).toBe(1)
    expect(server.calls('/token')).toBe(0)
    expect(server.lastHeaders('/api/orders')?.['user-agent']).toMatch(/HeadlessChrome/)
    const token = bearerOf(server)
    expect(token).toMatch(/^[\w-]{20,}$/)
    expect(await page.content()).not.toContain(token)
    // In storage it is (uniStorage over localStorage), with the refresh token.
    expect(await storedText(page)).toContain(token)
    expect(pageErrors).toEqual([])
  })

  it('keeps the session across a reload: storage is read before the app decides where to start', async () => {
    const { server, page } = await openSignedIn()

    await page.reload()
    await page.locator('[data-testid="outcome"]').waitFor()

    expect(await tap(page, 'one')).toEqual({ result: '200', error: '' })
    expect(server.calls('/login')).toBe(1)
    expect(server.calls('/token')).toBe(0)
    expect(await page.locator('[data-testid="login"]').count()).toBe(0)
  })

  it('makes exactly one refresh_token call for a burst sent after the token expired', async () => {
    // The page is told its token lives 2 ms (the server accepts it for 20 s): a token that short is fresh for half its
    // life, so by the time the burst is sent, after the sign-in's round trip and navigation, the page knows it is spent.
    const { server, page, advanceServerClock } = await openSignedIn({ ttlSeconds: 20, expiresInSeconds: 0.002 })
    advanceServerClock(60_000)
    server.setTokenBehaviour({ ttlSeconds: 3600, expiresInSeconds: undefined })

    expect(await tap(page, 'burst')).toEqual({ result: '200 200 200 200 200', error: '' })

    expect(server.calls('/token')).toBe(1)
    expect(server.refreshGrants()).toEqual({ rotated: 1, refused: 0 })
    // Five requests, none refused: the expired token never went out.
    expect(server.calls('/api/orders')).toBe(5)
  })

  it('replays a burst refused after a revocation with one new token', async () => {
    const { server, page } = await openSignedIn()
    await tap(page, 'one')
    server.revokeAll()

    expect(await tap(page, 'burst')).toEqual({ result: '200 200 200 200 200', error: '' })

    expect(server.calls('/token')).toBe(1)
    expect(server.calls('/api/orders')).toBe(1 + 5 + 5)
    expect(await page.content()).not.toContain(bearerOf(server))
  })

  it('shows REFRESH_FAILED in the page when the token endpoint keeps failing, sends no API request, and keeps the session', async () => {
    const { server, page } = await openSignedIn({ tokenStatus: 503, ttlSeconds: 20, expiresInSeconds: 0.002 })

    expect(await tap(page, 'burst')).toEqual({ result: Array(5).fill('REFRESH_FAILED').join(' '), error: 'REFRESH_FAILED' })
    expect(await page.locator('.error').textContent()).toBe('Error: REFRESH_FAILED')

    expect(server.calls('/token')).toBe(3)
    expect(server.calls('/api/orders')).toBe(0)
    // A transient failure is no lost session: the page stays, and the refresh token too.
    expect(server.liveSessions()).toBe(1)
    expect(await page.locator('[data-testid="login"]').count()).toBe(0)
  })

  it('ends a burst with LOGIN_REQUIRED and one refused refresh when the server killed the session, and opens the login page once', async () => {
    const { server, page } = await openSignedIn({ ttlSeconds: 20, expiresInSeconds: 0.002 })
    server.revokeSessions()
    const results = await recordResults(page)

    await page.locator('[data-action="burst"]').click()
    await loginShown(page, 2)

    expect(await results()).toEqual([Array(5).fill('LOGIN_REQUIRED').join(' ')])
    expect(server.calls('/token')).toBe(1)
    expect(server.refreshGrants()).toEqual({ rotated: 0, refused: 1 })
    expect(server.calls('/api/orders')).toBe(0)
    // Once: give a second navigation time to show, then look again.
    await page.waitForTimeout(300)
    expect(await page.locator('[data-testid="login"]').getAttribute('data-opened')).toBe('2')
    expect(page.url()).toMatch(/#\/pages\/login\/login$/)
    expect(await storedText(page)).not.toContain('access')
  })

  it('signs out: revokes the refresh token at the server once, opens the login page, refuses later requests without a call, and signs in again', async () => {
    const { server, page } = await openSignedIn()
    await tap(page, 'one')

    await page.locator('[data-action="logout"]').click()
    await loginShown(page, 2)

    expect(server.calls('/revoke')).toBe(1)
    expect(server.revoked()).toBe(1) // the live refresh token, not some other string
    expect(server.liveSessions()).toBe(0)
    expect(await storedText(page)).not.toContain('access')

    // A deep link to the index page sends at once: refused there, no token or API call.
    await page.evaluate(() => void (location.hash = '#/pages/index/index?send=1'))
    await page.locator('[data-testid="outcome"][data-batch="1"]').waitFor()
    expect(await page.locator('[data-testid="outcome"]').getAttribute('data-result')).toBe('LOGIN_REQUIRED')
    expect(server.calls('/token')).toBe(0)
    expect(server.calls('/api/orders')).toBe(1)

    await page.evaluate(() => void (location.hash = '#/pages/login/login'))
    await loginShown(page, 3)
    await signIn(page)
    expect(await tap(page, 'one')).toEqual({ result: '200', error: '' })
    expect(server.calls('/login')).toBe(2)
    expect(server.calls('/api/orders')).toBe(2)
  })
})
