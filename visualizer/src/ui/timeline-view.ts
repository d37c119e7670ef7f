// The event timeline: the controller's `onEvent` events, newest first, at simulated time. Tokens are
// never shown (events carry none); a new token appears as "token #<generation>".
const MAX_ROWS = 200

export interface TimelineView {
  add(at: number, event: { type: string; [field: string]: unknown }): void
  clear(): void
}

export function mountTimeline(list: HTMLElement): TimelineView {
  return {
    add(at, event) {
      const row = document.createElement('li')
      row.dataset.event = event.type
      row.textContent = `+${(at / 1000).toFixed(3)}s  ${describe(event)}`
      list.prepend(row)
      while (list.childElementCount > MAX_ROWS) list.lastElementChild?.remove()
    },
    clear() {
      list.innerHTML = ''
    },
  }
}

export function describe(event: { type: string; [field: string]: unknown }): string {
  switch (event.type) {
    case 'refresh.started':
      return `refresh.started · ${String(event.reason)} · queue ${String(event.queueSize)}`
    case 'refresh.retrying':
      return `refresh.retrying · attempt ${String(event.attempt)} failed: ${String(event.code)} · retry in ${Math.round(Number(event.delayMs))} ms`
    case 'refresh.succeeded':
      return `refresh.succeeded · token #${String(event.generation)} · ${String(event.attempts)} attempt(s) · released ${String(event.released)}`
    case 'refresh.failed':
      return `refresh.failed · ${String(event.attempts)} attempts, last ${String(event.code)} · ${String(event.rejected)} rejected`
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
