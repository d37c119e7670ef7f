// Storage follows the machine: read once at start (sent as `token.hydrated`), written on `refresh.succeeded` and
// `session.started`, removed on `token.cleared` and `session.lost`, in the machine's own order of events. Storage may answer now or later, throw or
// reject: a failure reaches onEvent as `storage.failed` with the error's name only, and never the machine.
import type { Actor } from 'xstate'
import type { TokenMachine } from '../../machines/token.machine.ts'
import type { TokenEvent } from '../../machines/token.types.ts'
import { parseStoredToken, serializeGrant } from '../grant.ts'
import type { ResolvedOptions, TokenControllerEvent } from '../options.ts'
import { isThenable } from '../thenable.ts'

/**
 * Reads the stored token into the started actor, then writes and removes it as the machine emits. Listeners for
 * one event type run before `*` ones, so storage is written before onEvent hears of it. `isRunning` is false once
 * the controller stopped: a late read is ignored then. `send` sends nothing once stopped.
 */
export function syncStorage(
  actor: Actor<TokenMachine>,
  config: Pick<ResolvedOptions, 'storage' | 'storageKey' | 'now'>,
  isRunning: () => boolean,
  send: (event: TokenEvent) => void,
  report: ((event: TokenControllerEvent) => void) | undefined,
  hydrated: () => void,
): void {
  const { storage, storageKey } = config

  // Emitted after the step that stored the token: the snapshot holds it.
  const save = () => {
    const { accessToken, expiresAt, refreshToken } = actor.getSnapshot().context
    guard('set', () => storage.set(storageKey, serializeGrant({ accessToken: accessToken as string, expiresAt, refreshToken })))
  }
  const remove = () => guard('remove', () => storage.remove(storageKey))
  actor.on('refresh.succeeded', save)
  actor.on('session.started', save)
  actor.on('token.adopted', save)
  // A clear() made while a refresh was succeeding (from onEvent) removes the token after that refresh saved it.
  actor.on('token.cleared', remove)
  actor.on('session.lost', remove)
  hydrate()

  function hydrate(): void {
    let raw: unknown
    try {
      raw = storage.get(storageKey)
    } catch (error) {
      reportFailure('get', error)
      raw = undefined
    }
    if (!isThenable(raw)) {
      finishHydration(raw)
      return
    }
    const failed = (error: unknown) => {
      reportFailure('get', error)
      finishHydration(undefined)
    }
    try {
      raw.then(finishHydration, failed)
    } catch (error) {
      failed(error)
    }
  }

  function finishHydration(raw: unknown): void {
    hydrated()
    // Stopped while the read was pending: leave storage as it is.
    if (!isRunning()) return
    const stored = parseStoredToken(raw)
    // What cannot be read as a grant under our key: remove it and start clean, never throw.
    if (stored.kind === 'foreign') guard('remove', () => storage.remove(storageKey))
    // A failed remove reaches onEvent, which may stop() us: send() then sends nothing.
    send({ type: 'token.hydrated', grant: stored.kind === 'grant' ? stored.grant : null, at: config.now() })
  }

  function guard(operation: 'set' | 'remove', write: () => void | Promise<void>): void {
    try {
      const result = write()
      if (isThenable(result)) result.then(undefined, (error: unknown) => reportFailure(operation, error))
    } catch (error) {
      reportFailure(operation, error)
    }
  }

  function reportFailure(operation: 'get' | 'set' | 'remove', error: unknown): void {
    // The error's name only: a storage error message could quote the value it failed to write.
    if (report) report({ type: 'storage.failed', operation, error: error instanceof Error ? error.name : typeof error })
  }
}
