// Announcements between tabs: a BroadcastChannel whose messages are `{ version }` and nothing else (never a token:
// another tab reads the record from IndexedDB). BroadcastChannel does not deliver a message to the instance that
// posted it, so each listener opens its own: every other controller in this tab hears it too.
import type { AbortSignalLike } from '../abort.ts'
import type { BroadcastChannelLike } from './browser.types.ts'
import { later } from './timer.ts'

export interface Announcer {
  announce(version: number): void
  watch(listener: (version: number) => void): () => void
  waitForChange(ms: number, signal: AbortSignalLike): Promise<void>
  close(): void
}

export function createAnnouncer(openChannel: (name: string) => BroadcastChannelLike, channelName: string): Announcer {
  let poster: BroadcastChannelLike | undefined

  function listen(listener: (version: number) => void): () => void {
    let channel: BroadcastChannelLike | undefined = openChannel(channelName)
    channel.onmessage = (event) => {
      const version = versionOf(event.data)
      if (version !== undefined) listener(version)
    }
    return () => {
      if (!channel) return
      channel.onmessage = null
      channel.close()
      channel = undefined
    }
  }

  return {
    announce(version) {
      if (!poster) poster = openChannel(channelName)
      poster.postMessage({ version })
    },
    watch: listen,
    waitForChange(ms, signal) {
      return new Promise<void>((resolve) => {
        if (signal.aborted) {
          resolve()
          return
        }
        const done = () => {
          unlisten()
          cancel()
          signal.removeEventListener('abort', done)
          resolve()
        }
        const unlisten = listen(done)
        const cancel = later(ms, done)
        signal.addEventListener('abort', done)
      })
    },
    // One coordinator may serve several controllers: each closes its own listeners (unwatch); this closes only
    // what they share, and the next announcement opens it again.
    close() {
      if (poster) poster.close()
      poster = undefined
    },
  }
}

function versionOf(data: unknown): number | undefined {
  if (typeof data !== 'object' || data === null) return undefined
  const version = (data as { version?: unknown }).version
  return typeof version === 'number' && version > 0 ? version : undefined
}
