// The timeline bar's arithmetic: where the held token's soft and hard windows lie, by the machine's own rules.
import { describe, expect, it } from 'vitest'
import { bandLayout, tokenWindows } from '../../visualizer/src/ui/token-windows.ts'

const held = { accessToken: 'fake', generation: 3, leewayMs: 2_000, refreshAheadMs: 5_000 }

describe('tokenWindows', () => {
  it('puts the soft window refreshAheadMs before expiry and the hard window leewayMs before it', () => {
    expect(tokenWindows({ ...held, receivedAt: 100_000, expiresAt: 130_000 })).toEqual({
      generation: 3,
      from: 100_000,
      softStart: 125_000,
      hardStart: 128_000,
      expiresAt: 130_000,
    })
  })

  it('caps the soft window at half the lifetime, and never makes it smaller than the leeway', () => {
    // A 6 s token: half its lifetime (3 s) is less than refreshAheadMs (5 s).
    expect(tokenWindows({ ...held, receivedAt: 100_000, expiresAt: 106_000 })).toMatchObject({ softStart: 103_000, hardStart: 104_000 })
    // refreshAheadMs 0: the soft window is the leeway, so no band of its own.
    expect(tokenWindows({ ...held, refreshAheadMs: 0, receivedAt: 100_000, expiresAt: 110_000 })).toMatchObject({
      softStart: 108_000,
      hardStart: 108_000,
    })
    // A token that lives no longer than the leeway gets half its lifetime as leeway, and as soft window.
    expect(tokenWindows({ ...held, receivedAt: 100_000, expiresAt: 101_000 })).toMatchObject({ softStart: 100_500, hardStart: 100_500 })
  })

  it('draws a token of unknown age (read from storage) from twice its soft window before expiry', () => {
    expect(tokenWindows({ ...held, receivedAt: undefined, expiresAt: 130_000 })).toMatchObject({
      from: 120_000,
      softStart: 125_000,
      hardStart: 128_000,
    })
  })

  it('has nothing to draw when no token is held', () => {
    expect(tokenWindows({ ...held, accessToken: null, expiresAt: 0, receivedAt: undefined })).toBeUndefined()
    // A 401 during a background refresh forgets the served token (expiresAt 0).
    expect(tokenWindows({ ...held, accessToken: null, expiresAt: 0, receivedAt: 100_000 })).toBeUndefined()
  })
})

describe('bandLayout', () => {
  const windows = { generation: 1, from: 0, softStart: 5_000, hardStart: 8_000, expiresAt: 10_000 }

  it('lays fresh, soft and hard end to end across the bar, each with its distance from expiry', () => {
    const { bands } = bandLayout(windows, 0)
    expect(bands).toEqual([
      { name: 'fresh', left: 0, width: 50, beforeExpiryMs: 10_000 },
      { name: 'soft', left: 50, width: 30, beforeExpiryMs: 5_000 },
      { name: 'hard', left: 80, width: 20, beforeExpiryMs: 2_000 },
    ])
  })

  it('places now on the bar, clamped to its ends', () => {
    expect(bandLayout(windows, 6_500).now).toBe(65)
    expect(bandLayout(windows, -1_000).now).toBe(0)
    expect(bandLayout(windows, 12_000).now).toBe(100)
  })

  it('gives an empty soft band when the soft window is the leeway', () => {
    const [, soft, hard] = bandLayout({ ...windows, softStart: 8_000 }, 0).bands
    expect(soft).toMatchObject({ left: 80, width: 0 })
    expect(hard).toMatchObject({ left: 80, width: 20 })
  })
})
