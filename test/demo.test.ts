// `npm run demo` as a user runs it: a child process, real sockets, its own exit code. A short run must
// still tell the whole story (routine refreshes ahead that nobody waits for, a background failure that
// rejects nobody before the one that does), end with the summary, and never print a token the demo's
// server issued.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'

interface Run {
  code: number
  stdout: string
  stderr: string
}

function runDemo(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['scripts/run-ts.mjs', 'examples/demo/main.ts', ...args],
      { cwd: fileURLToPath(new URL('..', import.meta.url)), timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        resolve({ code, stdout, stderr })
      },
    )
  })
}

// The server's tokens are 24 random bytes in base64url: 32 characters of [A-Za-z0-9_-].
const TOKEN_LIKE = /[A-Za-z0-9_-]{32,}/

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

describe('npm run demo -- --duration 3 --concurrency 20', () => {
  let run: Run
  beforeAll(async () => {
    run = await runDemo('--duration', '3', '--concurrency', '20')
  }, 40_000)
  // The lines of phase n, from its header to the next one's (the last phase: to the end).
  function phase(n: number): string {
    const start = run.stdout.indexOf(`── ${n} · `)
    const end = run.stdout.indexOf(`── ${n + 1} · `)
    expect(start).toBeGreaterThanOrEqual(0)
    return run.stdout.slice(start, end === -1 ? undefined : end)
  }

  it('exits 0 on its own, with nothing on stderr', () => {
    expect(run).toMatchObject({ code: 0, stderr: '' })
  })

  it('tells the whole story: cold start, refreshes ahead nobody waits for, revocation, retries, a quiet then a full failure, recovery', () => {
    expect(run.stdout).toMatch(/idle → refreshing\s+no token yet/)
    expect(run.stdout).toMatch(/refreshing → valid\s+token #1 · released 20 parked/)
    // Steady load: every routine refresh runs in the background while the current token is still handed out.
    const steady = phase(2)
    expect(steady).toMatch(/valid → refreshing\s+token #\d+ inside the \d+ ms soft window, still handed out · queue 0/)
    expect(steady).toMatch(/refreshing → valid\s+token #\d+ refreshed ahead · nobody waited/)
    expect(steady).toMatch(/↳ \d+ requests · \d+ ok · 0 waited for a token · [1-9]\d* tokens? refreshed ahead/)
    expect(steady).not.toMatch(/leeway|parked/)
    expect(phase(3)).toMatch(/valid → refreshing\s+token #\d+ answered 401/)
    const flaky = phase(4)
    expect(flaky).toMatch(/refreshing, attempt 1\s+failed: HTTP_500 · retry in \d+ ms \(backoff\)/)
    expect(flaky).toMatch(/refreshing → valid\s+token #\d+ refreshed ahead after 3 attempts · nobody waited/)
    // Endpoint down: the background cycle fails first and rejects nobody; the token is handed out until the leeway,
    // then requests wait for a cycle that fails and rejects them.
    const down = phase(5)
    const quiet = down.search(/refreshing, resting\s+3 attempts, last HTTP_500 · nobody rejected: token #\d+ still handed out/)
    const hard = down.search(/resting → refreshing\s+token #\d+ inside the \d+ ms leeway · queue [1-9]/)
    const failed = down.search(/refreshing → failed\s+3 attempts, last HTTP_500 · [1-9]\d* parked rejected with REFRESH_FAILED/)
    expect([quiet, hard, failed].every((at) => at >= 0)).toBe(true)
    expect(quiet < hard && hard < failed).toBe(true)
    expect(down).toMatch(/ · 1 background refresh failed, nobody rejected · /)
    expect(phase(6)).toMatch(/failed → refreshing\s+a new cycle/)
  })

  it('ends with the summary table and a verdict that every request settled and no token was printed', () => {
    const rows = [
      'requests',
      'parked (waited for a token)',
      'replayed after a 401',
      'refreshes (cycles)',
      '  ahead, in the background',
      '  refreshed ahead, nobody waited',
      'failures (cycles out of attempts)',
      '  in the background, nobody rejected',
    ]
    for (const row of rows) expect(run.stdout).toMatch(new RegExp(`│ ${escapeRegExp(row)} +│ +[1-9]\\d* │`))
    expect(run.stdout).toMatch(/│ +rejected, not a TokenError +│ +0 │/)
    expect(run.stdout).toMatch(/│ tokens never printed +│ +yes │/)
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^✓ every request settled \(\d+ answered, [1-9]\d* rejected with REFRESH_FAILED\); [1-9]\d* tokens? refreshed ahead, nobody waited; tokens never printed .* exit 0$/,
    )
  })

  it('prints nothing that looks like one of its tokens', () => {
    expect(run.stdout + run.stderr).not.toMatch(TOKEN_LIKE)
  })
})

describe('npm run demo with a bad option', () => {
  it('refuses it with the usage and exit code 2, before starting anything', async () => {
    const run = await runDemo('--duration', '0')

    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/--duration must be a number of seconds from 2 to 120, got 0\nusage: npm run demo/)
  }, 40_000)
})
