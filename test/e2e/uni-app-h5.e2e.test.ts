// examples/uni-app built for H5 (`uni build`) and run in headless Chromium: the built page and the token server
// share one loopback origin, the page's buttons send through luch-request and the real uni.request (XMLHttpRequest),
// and the outcome shows in the page's data attributes. Never a token: the page must not render one.
// Once per variant (support/uni-app-build.ts): painless-token from npm (this repository's source) and from the
// uni_modules folder that `npm run build:uni-modules` writes.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { startTokenServer, type TokenServer, type TokenServerOptions } from '../helpers/token-server.ts'
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

  /** Opens the built app on a fresh origin (so fresh storage) in front of a fresh token server. */
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
    await page.locator('[data-testid="outcome"]').waitFor()
    return {
      server,
      page,
      pageErrors,
      /** Moves the token server's clock: tokens it issued expire there by its own time. */
      advanceServerClock: (ms: number) => void (clockOffsetMs += ms),
    }
  }

  /** Clicks a button and waits for the batch it starts to be shown. */
  async function tap(page: Page, action: 'one' | 'burst') {
    const outcome = page.locator('[data-testid="outcome"]')
    const before = Number(await outcome.getAttribute('data-batch'))
    await page.locator(`[data-action="${action}"]`).click()
    await page.locator(`[data-testid="outcome"][data-batch="${before + 1}"]`).waitFor()
    return { result: await outcome.getAttribute('data-result'), error: await outcome.getAttribute('data-error') }
  }

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

  it("sends the page's request through the browser's uni.request with a bearer token, and shows no token", async () => {
    const { server, page, pageErrors } = await open()

    expect(await tap(page, 'one')).toEqual({ result: '200', error: '' })

    expect(server.calls('/token')).toBe(1)
    expect(server.lastHeaders('/api/orders')?.['user-agent']).toMatch(/HeadlessChrome/)
    const token = bearerOf(server)
    expect(token).toMatch(/^[\w-]{20,}$/)
    expect(await page.content()).not.toContain(token)
    expect(pageErrors).toEqual([])
  })

  it('makes exactly one token call for a burst sent after the token expired', async () => {
    // The page is told its token lives 2 ms (the server accepts it for 20 s): a token that short is fresh for half its
    // life, so by the time the burst is sent, after the first request's round trip, the page knows it is spent.
    const { server, page, advanceServerClock } = await open({ ttlSeconds: 20, expiresInSeconds: 0.002 })
    await tap(page, 'one')
    const expired = bearerOf(server)
    advanceServerClock(60_000)
    server.setTokenBehaviour({ ttlSeconds: 3600, expiresInSeconds: undefined })

    expect(await tap(page, 'burst')).toEqual({ result: '200 200 200 200 200', error: '' })

    expect(server.calls('/token')).toBe(2)
    // One request before, five after, none refused: the expired token never went out again.
    expect(server.calls('/api/orders')).toBe(6)
    expect(bearerOf(server)).not.toBe(expired)
  })

  it('replays a burst refused after a revocation with one new token', async () => {
    const { server, page } = await open()
    await tap(page, 'one')
    server.revokeAll()

    expect(await tap(page, 'burst')).toEqual({ result: '200 200 200 200 200', error: '' })

    expect(server.calls('/token')).toBe(2)
    expect(server.calls('/api/orders')).toBe(1 + 5 + 5)
    expect(await page.content()).not.toContain(bearerOf(server))
  })

  it('shows REFRESH_FAILED in the page when the token endpoint keeps failing, and sends no API request', async () => {
    const { server, page } = await open({ tokenStatus: 503 })

    expect(await tap(page, 'burst')).toEqual({ result: Array(5).fill('REFRESH_FAILED').join(' '), error: 'REFRESH_FAILED' })
    expect(await page.locator('.error').textContent()).toBe('Error: REFRESH_FAILED')

    expect(server.calls('/token')).toBe(3)
    expect(server.calls('/api/orders')).toBe(0)
  })
})
