// Runs a body with the web globals a WeChat mini-program lacks removed from Node's global object,
// and puts them back afterwards, whatever happens.

/** What WeChat's JS runtime does not have. Some versions also lack `globalThis`: see below. */
export const MINI_PROGRAM_MISSING_GLOBALS = [
  'window',
  'fetch',
  'XMLHttpRequest',
  'AbortController',
  'AbortSignal',
  'TextEncoder',
  'TextDecoder',
  'URL',
  'URLSearchParams',
  'atob',
  'btoa',
  'queueMicrotask',
  'structuredClone',
  'crypto',
] as const

/**
 * Removes MINI_PROGRAM_MISSING_GLOBALS while `body` runs. `globalThis` stays: vitest's worker
 * needs it. test/mini-program/no-global-this.ts runs the same cycle without it, in a child process.
 */
export async function withoutMiniProgramGlobals<T>(body: () => Promise<T>): Promise<T> {
  const host = globalThis as unknown as Record<string, unknown>
  const saved = new Map<string, PropertyDescriptor>()
  for (const name of MINI_PROGRAM_MISSING_GLOBALS) {
    const descriptor = Object.getOwnPropertyDescriptor(host, name)
    if (!descriptor) continue
    saved.set(name, descriptor)
    delete host[name]
  }
  try {
    return await body()
  } finally {
    for (const [name, descriptor] of saved) Object.defineProperty(host, name, descriptor)
  }
}
