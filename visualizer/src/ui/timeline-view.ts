// The event timeline: a bar for the held token (its life, the soft and the hard window before expiry, and now),
// then the controller's `onEvent` events, newest first, at simulated time. Tokens are never shown (events carry
// none); a new token appears as "token #<generation>". Background ('ahead') refreshes are marked apart from the
// ones requests wait for.
import { bandLayout, type TokenWindows } from './token-windows.ts'

const MAX_ROWS = 200

export interface TimelineView {
  add(at: number, event: { type: string; [field: string]: unknown }): void
  /** The held token's windows at `now` (epoch ms), or none held (the bar says so). */
  showToken(windows: TokenWindows | undefined, now: number): void
  clear(): void
}

const BAND_TITLES = {
  fresh: 'fresh: handed out, nothing to do',
  soft: 'soft window: still handed out, one refresh runs in the background',
  hard: 'hard window (leeway): requests wait for the refresh',
}

export function mountTimeline(list: HTMLElement, bar: HTMLElement): TimelineView {
  bar.innerHTML = ''
  bar.dataset.held = 'false'
  const track = document.createElement('div')
  track.className = 'token-track'
  const bands = (['fresh', 'soft', 'hard'] as const).map((name) => {
    const band = document.createElement('span')
    band.className = 'band'
    band.dataset.band = name
    band.title = BAND_TITLES[name]
    track.append(band)
    return band
  })
  const marker = document.createElement('span')
  marker.className = 'now'
  marker.dataset.now = ''
  track.append(marker)
  const legend = document.createElement('div')
  legend.className = 'token-legend'
  bar.append(track, legend)
  let shown = ''

  return {
    add(at, event) {
      const row = document.createElement('li')
      row.dataset.event = event.type
      if (typeof event.reason === 'string' && event.type.startsWith('refresh.')) {
        row.dataset.reason = event.reason
        row.dataset.refresh = event.reason === 'ahead' ? 'background' : 'waiting'
      }
      row.textContent = `+${(at / 1000).toFixed(3)}s  ${describe(event)}`
      list.prepend(row)
      while (list.childElementCount > MAX_ROWS) list.lastElementChild?.remove()
    },
    showToken(windows, now) {
      if (!windows) {
        if (bar.dataset.held === 'true') {
          bar.dataset.held = 'false'
          legend.textContent = 'no token held'
          shown = ''
        }
        return
      }
      bar.dataset.held = 'true'
      bar.dataset.generation = String(windows.generation)
      const layout = bandLayout(windows, now)
      const key = `${windows.generation}|${windows.from}|${windows.softStart}|${windows.hardStart}|${windows.expiresAt}`
      if (key !== shown) {
        shown = key
        layout.bands.forEach((band, i) => {
          const element = bands[i] as HTMLElement
          element.style.left = `${band.left}%`
          element.style.width = `${band.width}%`
          element.dataset.beforeExpiryMs = String(Math.round(band.beforeExpiryMs))
        })
      }
      marker.style.left = `${layout.now}%`
      const phase = now >= windows.expiresAt ? 'expired' : now >= windows.hardStart ? 'hard' : now >= windows.softStart ? 'soft' : 'fresh'
      bar.dataset.phase = phase
      legend.textContent =
        `token #${windows.generation} · soft window ${seconds(windows.expiresAt - windows.softStart)} · ` +
        `hard window ${seconds(windows.expiresAt - windows.hardStart)} · expires in ${seconds(Math.max(0, windows.expiresAt - now))}`
    },
    clear() {
      list.innerHTML = ''
    },
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

export function describe(event: { type: string; [field: string]: unknown }): string {
  switch (event.type) {
    case 'refresh.started':
      return event.reason === 'ahead'
        ? `refresh.started · ahead · in the background, nobody waits`
        : `refresh.started · ${String(event.reason)} · queue ${String(event.queueSize)} · requests wait`
    case 'refresh.retrying':
      return `refresh.retrying · attempt ${String(event.attempt)} failed: ${String(event.code)} · retry in ${Math.round(Number(event.delayMs))} ms`
    case 'refresh.succeeded':
      return `refresh.succeeded · ${String(event.reason)} · token #${String(event.generation)} · ${String(event.attempts)} attempt(s) · released ${String(event.released)}`
    case 'refresh.failed':
      return `refresh.failed · ${String(event.reason)} · ${String(event.attempts)} attempts, last ${String(event.code)} · ${String(event.rejected)} rejected`
    case 'token.restored':
      return `token.restored · token #${String(event.generation)}`
    case 'leeway.shortened':
      return `leeway.shortened · token #${String(event.generation)} · leeway ${String(event.leewayMs)} ms, half its lifetime`
    case 'token.invalidated':
      return `token.invalidated · token #${String(event.generation)}`
    case 'session.started':
      return `session.started · setGrant · token #${String(event.generation)}`
    case 'session.lost':
      return `session.lost · ${String(event.reason)} · login required`
    case 'revoke.failed':
      return `revoke.failed · ${String(event.code)}`
    case 'request.rejected':
      return `request.rejected · ${String(event.code)}`
    default:
      return event.type
  }
}
