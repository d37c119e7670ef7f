// The trace format shared by `npm run demo -- --trace` and the page: recorded events keep only plain,
// non-secret fields; a bad file is refused with a reason; the player rebuilds state and counters.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createTraceRecorder, parseTrace } from '../../visualizer/src/trace/format.ts'
import { frameAt } from '../../visualizer/src/trace/player.ts'

describe('the trace format', () => {
  it('records state values and events at their time, dropping token fields and non-plain values', () => {
    let now = 100
    const recorder = createTraceRecorder('test', () => now)
    recorder.state({ idle: 'empty' })
    now = 150
    recorder.event({ type: 'refresh.succeeded', generation: 1, accessToken: 'secret', token: 'secret', detail: { nested: 1 } })
    now = 151
    recorder.state('valid')
    const trace = recorder.toTrace()
    expect(trace.entries).toEqual([
      { at: 0, kind: 'state', value: { idle: 'empty' } },
      { at: 50, kind: 'event', event: { type: 'refresh.succeeded', generation: 1 } },
      { at: 51, kind: 'state', value: 'valid' },
    ])
    expect(parseTrace(JSON.stringify(trace))).toEqual(trace)
  })

  it('refuses files that are not traces, saying why', () => {
    expect(() => parseTrace('nope')).toThrow('not JSON')
    expect(() => parseTrace('{"format":"other"}')).toThrow('npm run demo -- --trace')
    expect(() => parseTrace('{"format":"painless-token-trace","version":2,"entries":[]}')).toThrow('unsupported trace version 2')
  })

  it('replays to any moment: the state then, and counters of the events so far', () => {
    const trace = parseTrace(
      JSON.stringify({
        format: 'painless-token-trace',
        version: 1,
        source: 'test',
        durationMs: 30,
        entries: [
          { at: 0, kind: 'state', value: { idle: 'empty' } },
          { at: 10, kind: 'event', event: { type: 'refresh.started' } },
          { at: 10, kind: 'state', value: { refreshing: 'fetching' } },
          { at: 20, kind: 'event', event: { type: 'request.rejected', code: 'REFRESH_FAILED' } },
          { at: 20, kind: 'state', value: 'failed' },
        ],
      }),
    )
    expect(frameAt(trace, -1, 15)).toMatchObject({ value: { refreshing: 'fetching' }, counters: { refreshes: 1, REFRESH_FAILED: 0 } })
    const end = frameAt(trace, 15, 30)
    expect(end).toMatchObject({ value: 'failed', counters: { REFRESH_FAILED: 1 } })
    expect(end.passed).toHaveLength(2)
  })
})

describe('npm run demo -- --trace <file>', () => {
  it('writes a trace of the whole story with no token in it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'demo-trace-'))
    const file = path.join(dir, 'trace.json')
    try {
      const stdout = await new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          ['scripts/run-ts.mjs', 'examples/demo/main.ts', '--duration', '2', '--concurrency', '5', '--trace', file],
          { cwd: fileURLToPath(new URL('../..', import.meta.url)), timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } },
          (error, out) => (error ? reject(error) : resolve(out)),
        ),
      )
      expect(stdout).toContain(`trace written to ${file}`)
      const text = readFileSync(file, 'utf8')
      const trace = parseTrace(text)
      const states = trace.entries.filter((e) => e.kind === 'state').map((e) => JSON.stringify(e.value))
      expect(states).toEqual(
        expect.arrayContaining(['{"refreshing":"fetching"}', '"valid"', '{"refreshing":"resting"}', '{"failed":"retryable"}']),
      )
      // Routine refreshes run ahead, and the endpoint going down fails a background cycle before a full one.
      const events = trace.entries.flatMap((e) => (e.kind === 'event' ? [e.event] : []))
      expect(events).toContainEqual(expect.objectContaining({ type: 'refresh.succeeded', reason: 'ahead', released: 0 }))
      const failures = events.filter((e) => e.type === 'refresh.failed')
      expect(failures[0]).toMatchObject({ reason: 'ahead', rejected: 0 })
      expect(failures.at(-1)?.rejected).toBeGreaterThan(0)
      // The demo server's tokens are 32 characters of base64url; nothing that long is in a trace.
      expect(text).not.toMatch(/[A-Za-z0-9_-]{32,}/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 40_000)
})
