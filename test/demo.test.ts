// `npm run demo` as a user runs it: a child process, real sockets, its own exit code. A short run must
// still tell the whole story, end with the summary, and never print a token the demo's server issued.
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

  it('exits 0 on its own, with nothing on stderr', () => {
    expect(run).toMatchObject({ code: 0, stderr: '' })
  })

  it('tells the whole story: cold start, revocation, retries with backoff, one full failure, recovery', () => {
    expect(run.stdout).toMatch(/idle → refreshing\s+no token yet/)
    expect(run.stdout).toMatch(/refreshing → valid\s+token #1 · released 20 parked/)
    expect(run.stdout).toMatch(/valid → refreshing\s+token #\d+ inside the \d+ ms leeway/)
    expect(run.stdout).toMatch(/valid → refreshing\s+token #\d+ answered 401/)
    expect(run.stdout).toMatch(/refreshing, attempt 1\s+failed: HTTP_500 · retry in \d+ ms \(backoff\)/)
    expect(run.stdout).toMatch(/refreshing → valid\s+token #\d+ after 3 attempts/)
    expect(run.stdout).toMatch(/refreshing → failed\s+3 attempts, last HTTP_500 · [1-9]\d* parked rejected with REFRESH_FAILED/)
    expect(run.stdout).toMatch(/failed → refreshing\s+a new cycle/)
  })

  it('ends with the summary table and a verdict that every request settled and no token was printed', () => {
    const rows = [
      'requests',
      'parked (waited for a token)',
      'replayed after a 401',
      'refreshes (cycles)',
      'failures (cycles out of attempts)',
    ]
    for (const row of rows) expect(run.stdout).toMatch(new RegExp(`│ ${escapeRegExp(row)} +│ +[1-9]\\d* │`))
    expect(run.stdout).toMatch(/│ +rejected, not a TokenError +│ +0 │/)
    expect(run.stdout).toMatch(/│ tokens never printed +│ +yes │/)
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^✓ every request settled \(\d+ answered, [1-9]\d* rejected with REFRESH_FAILED\); tokens never printed .* exit 0$/,
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
