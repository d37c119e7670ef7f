// The visualizer as a user gets it: `npm run visualizer:build`'s single file, opened from disk in headless
// Chromium. The diagram is compared with the machine definition, the simulator is driven through the page,
// a real demo trace is replayed, and no token the simulated server issued may ever reach the DOM.
import { execFile } from 'node:child_process'
import { mkdirSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { tokenMachine } from '../../machines/token.machine.ts'
import { TOKEN_ERROR_CODES } from '../../src/index.ts'
import { allStates, allTransitions, extractGraph } from '../../visualizer/src/diagram/graph.ts'
import { launchChromium } from './support/browser.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const pageUrl = pathToFileURL(path.join(root, 'visualizer/dist/index.html')).href
const screenshots = path.join(root, 'reports/screenshots')
const graph = extractGraph(tokenMachine)

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: root, timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) =>
      error ? reject(new Error(`${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`)) : resolve(),
    )
  })
}

let browser: Browser
let workDir: string
let tracePath: string
let page: Page
let problems: string[]

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'visualizer-e2e-'))
  tracePath = path.join(workDir, 'trace.json')
  mkdirSync(screenshots, { recursive: true })
  // One at a time: the build and the demo would fight over two cores.
  await run(['node_modules/vite/bin/vite.js', 'build', '--config', 'visualizer/vite.config.ts', '--logLevel', 'warn'])
  await run(['scripts/run-ts.mjs', 'examples/demo/main.ts', '--duration', '3', '--concurrency', '20', '--trace', tracePath])
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
})

async function open(query: string): Promise<Page> {
  page = await browser.newPage({ viewport: { width: 1500, height: 1000 } })
  problems = []
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console.${message.type()}: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  await page.goto(`${pageUrl}${query}`)
  await page.waitForSelector('[data-state="idle"]')
  // Every change of the active top-level state, as the page shows it.
  await page.evaluate(() => {
    const seen: string[] = []
    ;(window as unknown as { __activeSeen: string[] }).__activeSeen = seen
    const record = () => {
      const active = document.querySelector('[data-state]:not([data-state*="."])[data-active="true"]')?.getAttribute('data-state')
      if (active && active !== seen.at(-1)) seen.push(active)
    }
    record()
    new MutationObserver(record).observe(document.getElementById('diagram') as HTMLElement, {
      attributes: true,
      subtree: true,
      attributeFilter: ['data-active'],
    })
  })
  return page
}

const HEALTHY_SCREENSHOT = 'visualizer-healthy-run.png'

const counter = (name: string) => page.locator(`[data-counter="${name}"]`).textContent().then(Number)

/**
 * Pauses the simulator in the frame after a refresh beyond the `after`th succeeds (the page has updated its
 * counters by then, and the fetch.succeeded edge is still flashing).
 */
function pauseAfterRefreshSucceeds(after: number): Promise<unknown> {
  return page.evaluate(
    (after) =>
      new Promise<void>((resolve) => {
        const diagram = document.getElementById('diagram') as HTMLElement
        const observer = new MutationObserver(() => {
          const refreshes = Number(document.querySelector('[data-counter="refreshes"]')?.textContent)
          // In valid too: with refresh-ahead a refresh comes every half TTL, so the flash (700 ms) of one success
          // can outlast the start of the next cycle.
          if (refreshes <= after || !diagram.querySelector('.flash[data-event="fetch.succeeded"]')) return
          if (!diagram.querySelector('[data-state="valid"][data-active="true"]')) return
          observer.disconnect()
          requestAnimationFrame(() => {
            ;(document.getElementById('pause') as HTMLButtonElement).click()
            resolve()
          })
        })
        // Either may change last: the flash (mid-frame) or the counters (at the end of the frame).
        observer.observe(diagram, { attributes: true, subtree: true, attributeFilter: ['class', 'data-active'] })
        observer.observe(document.getElementById('counters') as HTMLElement, { childList: true, characterData: true, subtree: true })
      }),
    after,
  )
}

function waitForCounter(name: string, atLeast: number): Promise<unknown> {
  return page.waitForFunction(
    ([name, atLeast]) => Number(document.querySelector(`[data-counter="${name}"]`)?.textContent) >= Number(atLeast),
    [name, atLeast] as const,
    { timeout: 30_000 },
  )
}

/** The timeline's refresh.started rows, newest first: background ('ahead') or waited for, and the reason. */
function refreshStarts(): Promise<Array<{ refresh?: string; reason?: string }>> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('#timeline [data-event="refresh.started"]')).map((row) => ({
      refresh: row.dataset.refresh,
      reason: row.dataset.reason,
    })),
  )
}

const simulatedMs = () =>
  page
    .locator('#status')
    .textContent()
    .then((text) => Number(/simulated ([\d.]+) s/.exec(text ?? '')?.[1]) * 1000)

/** Waits until the simulated clock (the status line's) passes `ms`. */
function waitForSimulated(ms: number): Promise<unknown> {
  return page.waitForFunction(
    (until) => Number(/simulated ([\d.]+) s/.exec(document.getElementById('status')?.textContent ?? '')?.[1]) * 1000 > until,
    ms,
    { timeout: 30_000 },
  )
}

/** Waits until the active top-level states have passed through `sequence` in order. */
function waitForSequence(sequence: string[]): Promise<unknown> {
  return page.waitForFunction(
    (wanted) => {
      const seen = (window as unknown as { __activeSeen: string[] }).__activeSeen
      let i = 0
      for (const state of seen) if (state === wanted[i]) i++
      return i === wanted.length
    },
    sequence,
    { timeout: 30_000 },
  )
}

afterEach(async (context) => {
  if (!page) return
  await page
    .screenshot({ path: path.join(screenshots, `visualizer-${context.task.name.replace(/\W+/g, '-').slice(0, 60)}.png`) })
    .catch(() => {})
  // Every token the simulated server issued, checked against the whole document, SVG and scripts included.
  const leaked = await page.evaluate(() => {
    const issued = (window as unknown as { __visualizer: { issuedTokens(): string[] } }).__visualizer.issuedTokens()
    const html = document.documentElement.outerHTML + document.body.innerText
    return { issued: issued.length, leaked: issued.filter((token) => html.includes(token)) }
  })
  expect(leaked.leaked).toEqual([])
  expect(problems).toEqual([])
  await page.close()
})

describe('the visualizer build, opened from disk', () => {
  it('draws every state and every transition of the machine definition in the SVG', async () => {
    await open('?autostart=0')
    for (const top of ['idle', 'valid', 'refreshing', 'failed'])
      await expect(page.locator(`svg [data-state="${top}"]`).count()).resolves.toBe(1)
    const drawn = await page.evaluate(() => ({
      states: Array.from(document.querySelectorAll('svg [data-state]')).map((e) => e.getAttribute('data-state')),
      transitions: Array.from(document.querySelectorAll('svg [data-transition]')).map((e) => [
        e.getAttribute('data-transition'),
        e.getAttribute('data-event'),
      ]),
    }))
    expect(drawn.states.sort()).toEqual(
      allStates(graph)
        .filter((s) => s.path !== '')
        .map((s) => s.path)
        .sort(),
    )
    expect(drawn.transitions.sort()).toEqual(
      allTransitions(graph)
        .map((t) => [t.id, t.eventType])
        .sort(),
    )
  })

  it('fits the whole diagram in the window at 1500×1000 and in the page width at 1280, with no sideways scrolling', async () => {
    await open('?autostart=0')
    const fit = () =>
      page.evaluate(() => {
        const svg = (document.querySelector('#diagram svg') as SVGSVGElement).getBoundingClientRect()
        const box = (document.getElementById('diagram') as HTMLElement).getBoundingClientRect()
        return {
          svg: { right: svg.right, bottom: svg.bottom, width: svg.width },
          box: { right: box.right },
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth,
          innerHeight,
        }
      })
    const wide = await fit()
    expect(wide.svg.right).toBeLessThanOrEqual(wide.box.right + 0.5)
    expect(wide.svg.bottom).toBeLessThanOrEqual(wide.innerHeight)
    expect(wide.scrollWidth).toBeLessThanOrEqual(wide.innerWidth)
    await page.setViewportSize({ width: 1280, height: 800 })
    // The chart follows its panel through a ResizeObserver, a frame or more after the resize: wait for the page to
    // settle (at most 5 s), then measure. A page that never fits still fails below.
    await page
      .waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, undefined, { timeout: 5_000 })
      .catch(() => undefined)
    const narrow = await fit()
    expect(narrow.svg.right).toBeLessThanOrEqual(narrow.box.right + 0.5)
    expect(narrow.scrollWidth).toBeLessThanOrEqual(narrow.innerWidth)
    // Wide enough to read: the diagram uses the page's width, not a thumbnail of it.
    expect(narrow.svg.width).toBeGreaterThan(1100)
  })

  it('moves the highlight valid → refreshing → valid while the simulator runs', async () => {
    await open('?speed=10&ttlMs=5000&leewayMs=1000')
    await waitForSequence(['valid', 'refreshing', 'valid'])
    expect(await counter('refreshes')).toBeGreaterThanOrEqual(2)
    expect(await counter('requests')).toBeGreaterThan(0)
    const issued = await page.evaluate(
      () => (window as unknown as { __visualizer: { issuedTokens(): string[] } }).__visualizer.issuedTokens().length,
    )
    expect(issued).toBeGreaterThanOrEqual(2)
  })

  it('reaches failed and counts REFRESH_FAILED when every token fetch fails', async () => {
    await open('?failureRate=1&speed=10&retryBaseDelayMs=50')
    // `failed` lasts until the next request (10 simulated ms), rarely to the end of a frame: the recorder sees it.
    await waitForSequence(['refreshing', 'failed'])
    await page.waitForFunction(() => Number(document.querySelector('[data-counter="REFRESH_FAILED"]')?.textContent) > 0, undefined, {
      timeout: 30_000,
    })
    expect(await counter('refreshFailures')).toBeGreaterThan(0)
  })

  it('replays requests after the server revokes the token, and otherwise refreshes once per TTL with no request lost', async () => {
    await open('?speed=10&rate=100&ttlMs=10000&leewayMs=2000&latencyMs=300')
    // Two ordinary cycles first, so the chart and the timeline show the rhythm the revocation breaks.
    await page.waitForFunction(() => Number(document.querySelector('[data-counter="refreshes"]')?.textContent) >= 3, undefined, {
      timeout: 30_000,
    })
    await page.waitForSelector('[data-state="valid"][data-active="true"]', { timeout: 30_000 })
    expect(await counter('replayed')).toBe(0)
    await page.click('[data-action="revoke"]')
    await page.waitForFunction(() => Number(document.querySelector('[data-counter="replayed"]')?.textContent) > 0, undefined, {
      timeout: 30_000,
    })
    await waitForSequence(['valid', 'refreshing', 'valid'])
    // Then one more ordinary refresh, paused just as it succeeds: the picture the README shows.
    await pauseAfterRefreshSucceeds(await counter('refreshes'))
    await page.screenshot({ path: path.join(screenshots, HEALTHY_SCREENSHOT) })

    const simulated = await simulatedMs()
    // One refresh per token, in the background as its soft window opens (refreshAheadMs 5 s before expiry), one
    // more for the revocation, and the first.
    expect(await counter('refreshes')).toBeLessThanOrEqual(Math.floor(simulated / (10_000 - 5_000)) + 2)
    expect(await counter('replayed')).toBeGreaterThan(0)
    expect(await counter('parked')).toBeGreaterThan(0)
    // The refresh just succeeded: every parked request has been released, none rejected.
    expect(await counter('released')).toBe(await counter('parked'))
    for (const code of TOKEN_ERROR_CODES) expect(await counter(code), code).toBe(0)
    expect(await page.locator('[data-state="valid"][data-active="true"]').count()).toBe(1)
  })

  it('logs out into failed.loginRequired (revoked once, onLoginRequired once) and logs back in to valid', async () => {
    // A 30 s token: its soft window opens 25 s after the login, long after the last check that nothing was fetched
    // (with the default 10 s token a background refresh could start 5 s after it, half a real second at 10x).
    await open('?speed=10&ttlMs=30000')
    await page.waitForSelector('[data-state="valid"][data-active="true"]', { timeout: 30_000 })
    await page.click('[data-action="log-out"]')
    await page.waitForSelector('[data-state="failed.loginRequired"][data-active="true"]')
    // The page flashes the transition the button took for 700 ms.
    await page.waitForSelector('[data-transition="|session.logout|0"].flash')
    await page.waitForFunction(() => Number(document.querySelector('[data-counter="revocations"]')?.textContent) === 1)
    await expect(page.locator('#timeline [data-event="session.lost"]').first().textContent()).resolves.toContain('logout')
    // Requests go on and are refused at once: LOGIN_REQUIRED climbs, no fetch starts, the app hears of it once.
    const fetches = await counter('fetchAttempts')
    const refused = await counter('LOGIN_REQUIRED')
    await page.waitForFunction(
      (refused) => Number(document.querySelector('[data-counter="LOGIN_REQUIRED"]')?.textContent) > refused + 20,
      refused,
      { timeout: 30_000 },
    )
    expect(await counter('fetchAttempts')).toBe(fetches)
    expect(await counter('loginRequired')).toBe(1)
    expect(await page.locator('[data-state="failed.loginRequired"][data-active="true"]').count()).toBe(1)

    await page.click('[data-action="log-in"]')
    await page.waitForSelector('[data-state="valid"][data-active="true"]')
    await page.waitForSelector('[data-transition="|session.set|0"].flash')
    await page.waitForFunction(() => Number(document.querySelector('[data-counter="sessionsStarted"]')?.textContent) === 1)
    const answered = await counter('answered')
    await page.waitForFunction(
      (answered) => Number(document.querySelector('[data-counter="answered"]')?.textContent) > answered + 20,
      answered,
      { timeout: 30_000 },
    )
    expect(await counter('fetchAttempts')).toBe(fetches)
  })

  it('reaches failed.loginRequired at the next refresh after the server refuses the refresh token, and stays there', async () => {
    await open('?speed=10&ttlMs=3000&leewayMs=1000')
    await page.waitForSelector('[data-state="valid"][data-active="true"]', { timeout: 30_000 })
    await page.click('[data-action="log-in"]')
    await page.click('[data-action="refuse-refresh"]')
    await page.waitForSelector('[data-state="failed.loginRequired"][data-active="true"]', { timeout: 30_000 })
    await expect(page.locator('#timeline [data-event="session.lost"]').first().textContent()).resolves.toContain('rejected')
    const fetches = await counter('fetchAttempts')
    const refused = await counter('LOGIN_REQUIRED')
    await page.waitForFunction(
      (refused) => Number(document.querySelector('[data-counter="LOGIN_REQUIRED"]')?.textContent) > refused + 50,
      refused,
      { timeout: 30_000 },
    )
    expect(await counter('loginRequired')).toBe(1)
    expect(await counter('fetchAttempts')).toBe(fetches)
    expect(await counter('revocations')).toBe(0)
    expect(await page.locator('[data-state="failed.loginRequired"][data-active="true"]').count()).toBe(1)
  })

  it('cools down after a failed cycle with the cooldownMs knob: failed.coolingDown refuses requests without fetching', async () => {
    // 30 simulated seconds of cool-down: three real seconds at 10x, time enough to watch it.
    await open('?failureRate=1&cooldownMs=30000&retryBaseDelayMs=50&speed=10')
    await expect(page.locator('[data-knob="cooldownMs"]').inputValue()).resolves.toBe('30000')
    await page.waitForSelector('[data-state="failed.coolingDown"][data-active="true"]', { timeout: 30_000 })
    const fetches = await counter('fetchAttempts')
    const refused = await counter('REFRESH_FAILED')
    await page.waitForFunction(
      (refused) => Number(document.querySelector('[data-counter="REFRESH_FAILED"]')?.textContent) > refused + 20,
      refused,
      { timeout: 30_000 },
    )
    expect(await counter('fetchAttempts')).toBe(fetches)
    expect(await counter('refreshFailures')).toBeGreaterThanOrEqual(1)
  })

  it('refreshes each token in the background as its soft window opens: after the first token no request waits', async () => {
    await open('?speed=10')
    // The bar shows the held token's windows with the default knobs: soft 5 s, hard (leeway) 2 s before expiry.
    await page.waitForSelector('[data-token-bar][data-held="true"]', { timeout: 30_000 })
    await expect(page.locator('[data-band="soft"]').getAttribute('data-before-expiry-ms')).resolves.toBe('5000')
    await expect(page.locator('[data-band="hard"]').getAttribute('data-before-expiry-ms')).resolves.toBe('2000')
    const widths = await page.evaluate(() =>
      Object.fromEntries(
        ['fresh', 'soft', 'hard'].map((name) => [
          name,
          document.querySelector(`[data-band="${name}"]`)?.getBoundingClientRect().width ?? 0,
        ]),
      ),
    )
    // 5 s fresh, 3 s soft, 2 s hard of a 10 s token.
    expect(widths.soft! / widths.hard!).toBeCloseTo(1.5, 1)
    expect(widths.fresh! / widths.hard!).toBeCloseTo(2.5, 1)
    const waitedAtStart = await counter('servedAfterWait')
    await page.waitForSelector('[data-transition="valid|token.ahead|0"].flash', { timeout: 30_000 })
    await waitForCounter('refreshes', 5)
    expect(await counter('servedAfterWait')).toBe(waitedAtStart)
    expect(await counter('parked')).toBe(waitedAtStart)
    expect(await counter('servedAtOnce')).toBeGreaterThan(100)
    const started = await refreshStarts()
    expect(started.filter((row) => row.refresh === 'background').length).toBeGreaterThanOrEqual(4)
    // Only the very first refresh (no token yet) had requests waiting.
    expect(started.filter((row) => row.refresh === 'waiting')).toEqual([{ refresh: 'waiting', reason: 'missing' }])
  })

  it('with refreshAheadMs 0 refreshes at the hard window, with requests waiting every time', async () => {
    await open('?speed=10&refreshAheadMs=0')
    await expect(page.locator('[data-knob="refreshAheadMs"]').inputValue()).resolves.toBe('0')
    await page.waitForSelector('[data-token-bar][data-held="true"]', { timeout: 30_000 })
    // No soft window of its own: it begins with the hard one.
    await expect(page.locator('[data-band="soft"]').getAttribute('data-before-expiry-ms')).resolves.toBe('2000')
    const waitedAtStart = await counter('servedAfterWait')
    await waitForCounter('refreshes', 3)
    await page.waitForSelector('[data-state="valid"][data-active="true"]', { timeout: 30_000 })
    expect(await counter('servedAfterWait')).toBeGreaterThan(waitedAtStart)
    const started = await refreshStarts()
    expect(started.filter((row) => row.refresh === 'background')).toEqual([])
    expect(started.filter((row) => row.reason === 'expired').length).toBeGreaterThanOrEqual(2)
  })

  it('starts no refresh while the app is hidden, and refreshes at once when it is shown', async () => {
    // A 20 s token: 15 s (1.5 real seconds) before its soft window, time enough to click while it is fresh.
    await open('?speed=10&ttlMs=20000')
    // Just after a token arrives, before its soft window.
    await page.waitForSelector('[data-token-bar][data-phase="fresh"]', { timeout: 30_000 })
    await page.click('[data-action="app-hide"]')
    await page.waitForSelector('#status[data-app="hidden"]')
    await expect(page.locator('#status').textContent()).resolves.toContain('app hidden')
    await expect(page.locator('#timeline [data-event="app.hide"]').count()).resolves.toBe(1)
    const refreshes = await counter('refreshes')
    const fetches = await counter('fetchAttempts')
    const requests = await counter('requests')
    // Past the token's soft window and its expiry (20 s), hidden all along.
    const hiddenAt = await simulatedMs()
    await waitForSimulated(hiddenAt + 25_000)
    await page.waitForSelector('[data-token-bar][data-phase="expired"]')
    expect(await counter('refreshes')).toBe(refreshes)
    expect(await counter('fetchAttempts')).toBe(fetches)
    // The load pauses too: a hidden mini-program sends next to nothing.
    expect(await counter('requests')).toBe(requests)
    expect(await page.locator('[data-state="valid"][data-active="true"]').count()).toBe(1)

    await page.click('[data-action="app-show"]')
    await page.waitForSelector('#status[data-app="shown"]')
    await waitForCounter('refreshes', refreshes + 1)
    // Shown with an expired token: refreshed before any request asked for it.
    expect((await refreshStarts())[0]).toEqual({ refresh: 'waiting', reason: 'expired' })
    await page.waitForSelector('[data-state="valid"][data-active="true"]', { timeout: 30_000 })
    await waitForCounter('requests', requests + 1)
  })

  it('pauses a refresh while offline (refreshing.paused, no attempt spent) and resumes it when back online', async () => {
    await open('?speed=10&ttlMs=20000')
    await page.waitForSelector('[data-token-bar][data-phase="fresh"]', { timeout: 30_000 })
    await page.click('[data-action="offline"]')
    await page.waitForSelector('#status[data-network="offline"]')
    // The token goes stale; its refresh fails (the network is down), and the retry waits for the network.
    await page.waitForSelector('[data-state="refreshing.paused"][data-active="true"]', { timeout: 30_000 })
    // Offline from before the soft window: no background refresh started; the one paused is for the stale token.
    expect((await refreshStarts())[0]).toEqual({ refresh: 'waiting', reason: 'expired' })
    const fetches = await counter('fetchAttempts')
    const pausedAt = await simulatedMs()
    await waitForSimulated(pausedAt + 3_000)
    expect(await counter('fetchAttempts')).toBe(fetches)
    expect(await counter('networkFailed')).toBeGreaterThan(0)
    expect(await page.locator('[data-state="refreshing.paused"][data-active="true"]').count()).toBe(1)

    await page.click('[data-action="online"]')
    await page.waitForSelector('#status[data-network="online"]')
    await page.waitForSelector('[data-state="valid"][data-active="true"]', { timeout: 30_000 })
    // The cycle that paused succeeded with its second attempt: the pause spent none. (Later refreshes may already
    // have started in the background by the time this reads the page.)
    const succeeded = await page.locator('#timeline [data-event="refresh.succeeded"][data-reason="expired"]').allTextContents()
    expect(succeeded).toHaveLength(1)
    expect(succeeded[0]).toContain('2 attempt(s)')
    expect(await counter('released')).toBeGreaterThan(0)
  })

  it('flashes the lifecycle transitions on the chart, the eventless one out of refreshing.paused included', async () => {
    await open('?speed=10&ttlMs=20000')
    // The chart must draw the eventless transition for the page to flash it (visualizer/src/diagram/graph.ts).
    await expect(page.locator('[data-transition="refreshing.paused||0"]').count()).resolves.toBe(1)
    await page.waitForSelector('[data-token-bar][data-phase="fresh"]', { timeout: 30_000 })
    await page.click('[data-action="app-hide"]')
    await page.waitForSelector('[data-transition="|app.hide|0"].flash')
    await page.click('[data-action="app-show"]')
    await page.waitForSelector('[data-transition^="valid|app.show|"].flash')
    await page.click('[data-action="offline"]')
    await page.waitForSelector('[data-transition="|network.offline|0"].flash')
    await page.waitForSelector('[data-state="refreshing.paused"][data-active="true"]', { timeout: 30_000 })
    await page.click('[data-action="online"]')
    // network.online only sets the flag (a root transition); paused's `always` transition then starts the fetch.
    await page.waitForSelector('[data-transition="|network.online|0"].flash')
    await page.waitForSelector('[data-transition="refreshing.paused||0"].flash')
  })

  it('replays a trace written by `npm run demo -- --trace`, through failed and back to valid', async () => {
    await open('?autostart=0')
    await page.setInputFiles('#trace-file', tracePath)
    // The page reads the file asynchronously: wait for the mode to change, then check what it says.
    await page.waitForSelector('#mode[data-mode="replay"]')
    await expect(page.locator('#mode').textContent()).resolves.toBe('trace replay')
    await waitForSequence(['refreshing', 'valid', 'refreshing', 'failed', 'refreshing', 'valid'])
    await page.waitForFunction(() => Number(document.querySelector('[data-counter="REFRESH_FAILED"]')?.textContent) > 0, undefined, {
      timeout: 30_000,
    })
    expect(await counter('released')).toBeGreaterThan(0)
    // The scrubber moves back: the diagram shows the state at that moment.
    // Once the replay has finished: scrubbing a playing replay plays on from there.
    await page.waitForFunction(() => document.getElementById('trace-play')?.textContent === 'play', undefined, { timeout: 30_000 })
    await page.locator('#trace-scrubber').fill('0')
    await page.waitForSelector('[data-state="idle"][data-active="true"]')
  })
})

// `UPDATE_SCREENSHOT=1 npm run test:e2e` refreshes the README's picture: a healthy run just after a refresh.
if (process.env.UPDATE_SCREENSHOT === '1') {
  afterAll(() => copyFileSync(path.join(screenshots, HEALTHY_SCREENSHOT), path.join(root, 'docs/visualizer.png')))
}
