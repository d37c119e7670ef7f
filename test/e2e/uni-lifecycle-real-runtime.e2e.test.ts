// watchLifecycle(tokens, uni) on uni-app's own mp-weixin runtime (support/uni-mp-runtime.ts): the real `uni` hands
// onAppShow, onAppHide, onNetworkStatusChange, their off* and getNetworkType on to a `wx` whose events the test plays
// (test/helpers/mini-program-lifecycle.ts: WeChat itself cannot run here). Checks that uni's proxy keeps our
// listeners as they are (so off* finds them) and promisifies nothing we rely on.
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { createTokenController } from '../../src/index.ts'
import { watchLifecycle, type LifecycleHost } from '../../src/entries/lifecycle.ts'
import { fakeFetch } from '../helpers/fake-fetch.ts'
import { fakeMiniProgramLifecycle } from '../helpers/mini-program-lifecycle.ts'
import { createVirtualClock } from '../helpers/virtual-clock.ts'
import { bundleRuntime, installed, loadUniRuntime, modules } from './support/uni-mp-runtime.ts'

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

describe("watchLifecycle(tokens, uni) on uni-app's own mp-weixin runtime", () => {
  it('reaches wx through uni for every event and the first network reading, and detaches with the same listeners', async () => {
    if (!installed) throw new Error(`needs @dcloudio/uni-mp-weixin in ${modules}: run \`npm ci --prefix examples/uni-app\``)
    const problems = [vi.spyOn(console, 'warn'), vi.spyOn(console, 'error')]
    onTestFinished(() => problems.forEach((spy) => spy.mockRestore()))
    const platform = fakeMiniProgramLifecycle({ platform: 'wx', online: false })
    const uni = loadUniRuntime(await bundleRuntime(), platform.api) as LifecycleHost
    const clock = createVirtualClock()
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, now: clock.now, clock })
    onTestFinished(() => tokens.stop())
    const flags = () => {
      const { hidden, offline } = tokens.actor.getSnapshot().context
      return { hidden, offline }
    }

    const detach = watchLifecycle(tokens, uni)
    await tick()
    expect(platform.networkTypeCalls).toBe(1)
    expect(flags()).toEqual({ hidden: false, offline: true })
    for (const kind of ['AppShow', 'AppHide', 'NetworkStatusChange'] as const) expect(platform.listeners(kind)).toBe(1)

    platform.setOnline(true)
    platform.hide()
    expect(flags()).toEqual({ hidden: true, offline: false })
    platform.show()
    expect(flags()).toEqual({ hidden: false, offline: false })

    platform.hide()
    detach()
    for (const kind of ['AppShow', 'AppHide', 'NetworkStatusChange'] as const) expect(platform.listeners(kind)).toBe(0)
    expect(flags()).toEqual({ hidden: false, offline: false })
    for (const spy of problems) expect(spy).not.toHaveBeenCalled()
  })
})
