// Builds a transport by name: each bench cell gets a fresh one, so no server state leaks between cells.
import { createHttpTransport } from './http.ts'
import { createInProcessTransport } from './in-process.ts'
import type { Transport, TransportName } from './types.ts'

export function createTransport(name: TransportName): Promise<Transport> {
  if (name === 'http') return createHttpTransport()
  return Promise.resolve(createInProcessTransport(name === 'microtask' ? 0 : 5))
}

export type { Transport, TransportName } from './types.ts'
