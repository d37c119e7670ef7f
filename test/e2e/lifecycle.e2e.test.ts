// watchLifecycle(tokens, window) in headless Chromium: the package as built (dist/index.js and dist/lifecycle.js,
// bundled by esbuild as a web app's bundler would), a controller whose fetchToken waits for the test, and the page's
// own events. Online/offline are real: playwright's context.setOffline() flips navigator.onLine and fires the
// window's `offline`/`online`. Visibility is not: neither playwright nor the DevTools protocol can hide a headless
// tab (bringToFront and a minimized window leave it 'visible'), so the test overrides document.visibilityState and
// document.hidden and dispatches `visibilitychange`, as the browser does on a tab switch.
import { build as bundle } from 'esbuild'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { build } from 'tsdown'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { launchChromium } from './support/browser.ts'

let browser: Browser
let outDir = ''
let script = ''

beforeAll(async () => {
  outDir = mkdtempSync(path.join(os.tmpdir(), 'painless-token-lifecycle-e2e-'))
  await build({ config: true, outDir, dts: false, sourcemap: false, logLevel: 'silent' })
  const result = await bundle({
    stdin: {
      contents: [
        `import { createTokenController } from ${JSON.stringify(path.join(outDir, 'index.js'))}`,
        `import { watchLifecycle } from ${JSON.stringify(path.join(outDir, 'lifecycle.js'))}`,
        'window.painless = { createTokenController, watchLifecycle }',
      ].join('\n'),
      resolveDir: process.cwd(),
    },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2017',
    nodePaths: [path.resolve('node_modules')],
    logLevel: 'silent',
  })
  script = (result.outputFiles[0] as { text: string }).text
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  if (outDir) rmSync(outDir, { recursive: true, force: true })
})

// The page: a controller with a movable clock (`moveClock(ms)`) and a fetchToken that waits for `answer(i, …)`.
async function openPage(): Promise<{ page: Page; context: BrowserContext; problems: string[] }> {
  const context = await browser.newContext()
  onTestFinished(() => context.close())
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console.${message.type()}: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  await page.setContent('<!doctype html><title>lifecycle</title><p>app</p>')
  await page.addScriptTag({ content: script })
  await page.evaluate(() => {
    const w = window as any
    let offset = 0
    let visibility = 'visible'
    // The override: the browser cannot be made to hide a headless tab (see the file's head).
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility })
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => visibility === 'hidden' })
    w.setVisibility = (next: string) => {
      visibility = next
      document.dispatchEvent(new Event('visibilitychange'))
    }
    w.calls = []
    w.tokens = w.painless.createTokenController({
      fetchToken: (context: { reason: string; attempt: number }) =>
        new Promise((resolve, reject) => w.calls.push({ reason: context.reason, attempt: context.attempt, resolve, reject })),
      now: () => Date.now() + offset,
      retry: { attempts: 3, baseDelayMs: 50, jitter: false },
    })
    w.moveClock = (ms: number) => (offset += ms)
    w.answer = (index: number, token: string | null) => {
      if (token === null) w.calls[index].reject(new Error('token endpoint unreachable'))
      else w.calls[index].resolve({ access_token: token, expires_in: 3600 })
    }
    w.flags = () => {
      const { hidden, offline } = w.tokens.actor.getSnapshot().context
      return { hidden, offline }
    }
  })
  return { page, context, problems }
}

const calls = (page: Page) =>
  page.evaluate(() => (window as any).calls.map((call: { reason: string; attempt: number }) => `${call.reason}#${call.attempt}`))

/** Answers fetchToken call `index` (null: fails it); resolves with `window[awaited]` (a request's token) if named, else the current token. */
function answer(page: Page, index: number, token: string | null, awaited?: string): Promise<unknown> {
  return page.evaluate(
    async ([i, t, name]) => {
      const w = window as any
      w.answer(i, t)
      if (name) return w[name]
      await new Promise((resolve) => setTimeout(resolve, 0))
      return w.tokens.currentToken()
    },
    [index, token, awaited] as const,
  )
}

describe('watchLifecycle(tokens, window) in headless Chromium', () => {
  it('holds background refreshes while the tab is hidden, refreshes on return, and retries only once back online', async () => {
    const { page, context, problems } = await openPage()
    await page.evaluate(() => {
      const w = window as any
      w.detach = w.painless.watchLifecycle(w.tokens, window)
      w.first = w.tokens.getToken()
    })
    await expect.poll(() => calls(page)).toEqual(['missing#1'])
    expect(await answer(page, 0, 'token-1', 'first')).toBe('token-1')

    // Hidden, 56 min later: inside the soft window (5 min before a one-hour token's expiry), and no fetch.
    await page.evaluate(() => (window as any).setVisibility('hidden'))
    expect(await page.evaluate(() => (window as any).flags())).toEqual({ hidden: true, offline: false })
    await page.evaluate(() => (window as any).moveClock(56 * 60_000))
    expect(await page.evaluate(() => (window as any).tokens.getToken())).toBe('token-1')
    expect(await calls(page)).toEqual(['missing#1'])

    await page.evaluate(() => (window as any).setVisibility('visible'))
    expect(await calls(page)).toEqual(['missing#1', 'ahead#1'])
    expect(await answer(page, 1, 'token-2')).toBe('token-2')

    // Offline for real; the token expires; the request's refresh fails; its retry waits for the network.
    await context.setOffline(true)
    await expect.poll(() => page.evaluate(() => (window as any).flags())).toEqual({ hidden: false, offline: true })
    await page.evaluate(() => {
      const w = window as any
      w.moveClock(61 * 60_000)
      w.request = w.tokens.getToken()
    })
    await expect.poll(() => calls(page)).toEqual(['missing#1', 'ahead#1', 'expired#1'])
    await answer(page, 2, null)
    await page.waitForTimeout(400) // the 50 ms backoff, eight times over
    expect(await calls(page)).toEqual(['missing#1', 'ahead#1', 'expired#1'])

    await context.setOffline(false)
    await expect.poll(() => calls(page)).toEqual(['missing#1', 'ahead#1', 'expired#1', 'expired#2'])
    expect(await answer(page, 3, 'token-3', 'request')).toBe('token-3')
    expect(problems).toEqual([])
  })

  it('reads navigator.onLine and the visibility at attach, and after detaching leaves the controller shown and online', async () => {
    const { page, context, problems } = await openPage()
    await context.setOffline(true)
    await page.evaluate(() => (window as any).setVisibility('hidden'))

    const attached = await page.evaluate(() => {
      const w = window as any
      w.detach = w.painless.watchLifecycle(w.tokens, { window, document })
      return w.flags()
    })
    expect(attached).toEqual({ hidden: true, offline: true })

    const detached = await page.evaluate(() => {
      const w = window as any
      w.detach()
      w.detach()
      w.setVisibility('visible')
      w.setVisibility('hidden')
      return w.flags()
    })
    expect(detached).toEqual({ hidden: false, offline: false })
    await context.setOffline(false)
    await context.setOffline(true)
    expect(await page.evaluate(() => (window as any).flags())).toEqual({ hidden: false, offline: false })
    expect(problems).toEqual([])
  })
})
