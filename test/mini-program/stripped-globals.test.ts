import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { withoutMiniProgramGlobals } from '../helpers/strip-globals.ts'
import { runSigning, runTokenCycle } from './cycle.ts'

const run = promisify(execFile)

// Vitest's own expect() needs globalThis: the scenarios record outcomes inside and assert outside.
describe('in a runtime without window, fetch, AbortController, URL, TextEncoder, atob, queueMicrotask, structuredClone or crypto', () => {
  it('refreshes once, parks, releases, fails, aborts, times out and stops', async () => {
    const seen = await withoutMiniProgramGlobals(runTokenCycle)

    expect(seen.hadAbortController).toBe(false)
    expect(seen.queueWhileRefreshing).toBe(3)
    expect(seen.released).toEqual([{ value: 'mp-token-1' }, { value: 'mp-token-1' }, { value: 'mp-token-1' }])
    expect(seen.callsAfterBurst).toBe(1)
    expect(seen.failed).toEqual({ code: 'REFRESH_FAILED', attempts: 2 })
    expect(seen.stateAfterFailure).toBe('failed')
    expect(seen.aborted).toMatchObject({ code: 'ABORTED' })
    expect(seen.timedOut).toMatchObject({ code: 'WAIT_TIMEOUT' })
    expect(seen.stopped).toEqual([
      { code: 'STOPPED', attempts: undefined },
      { code: 'STOPPED', attempts: undefined },
    ])
  })

  it('signs requests and hashes credentials', async () => {
    const seen = await withoutMiniProgramGlobals(async () => runSigning())
    expect(seen.signature).toMatch(/^[0-9a-f]{64}$/)
    expect(seen.nonce).toMatch(/^[0-9a-f]{32}$/)
    expect(seen.md5).toBe('900150983CD24FB0D6963F7D28E17F72')
  })
})

describe('on WeChat versions without globalThis', () => {
  it('runs the same cycle and signs in a process where globalThis is deleted too', async () => {
    const { stdout } = await run(process.execPath, ['scripts/run-ts.mjs', 'test/mini-program/no-global-this.ts'], { timeout: 30_000 })
    const seen = JSON.parse(stdout.trim().split('\n').pop() as string)
    expect(seen.hadGlobalThis).toBe(false)
    expect(seen.cycle).toMatchObject({
      hadAbortController: false,
      callsAfterBurst: 1,
      failed: { code: 'REFRESH_FAILED', attempts: 2 },
      aborted: { code: 'ABORTED' },
      timedOut: { code: 'WAIT_TIMEOUT' },
    })
    expect(seen.cycle.stopped).toEqual([{ code: 'STOPPED' }, { code: 'STOPPED' }])
    expect(seen.signing.signature).toMatch(/^[0-9a-f]{64}$/)
  })
})
