// TokenStorage over a mini-program's synchronous storage: uni-app's `uni` and WeChat's `wx` (and the wx-shaped
// platforms: tt, qq, ks, swan, jd) offer the same three calls. The global is looked up at call time, so creating
// one is safe anywhere; using it where the global does not exist throws a TypeError. Alipay's `my`: alipay.ts.
import type { TokenStorage } from './types.ts'

/**
 * The three synchronous storage calls `uni` and `wx` share.
 *
 * @example
 * const api: MiniProgramStorageApi = { getStorageSync: (key) => map.get(key) ?? '', setStorageSync: (key, data) => map.set(key, data), removeStorageSync: (key) => map.delete(key) }
 */
export interface MiniProgramStorageApi {
  getStorageSync(key: string): unknown
  setStorageSync(key: string, data: unknown): void
  removeStorageSync(key: string): void
}

/**
 * `name` and `global` only word the errors: `uniStorage` / `uni`, `wxStorage` / `wx`.
 */
export function miniProgramStorage(
  name: string,
  global: string,
  given: MiniProgramStorageApi | undefined,
  lookUpGlobal: () => unknown,
): TokenStorage {
  if (given !== undefined && !isStorageApi(given)) {
    throw new TypeError(`${name}: \`${global}Api\` must have getStorageSync, setStorageSync and removeStorageSync`)
  }
  const api = (): MiniProgramStorageApi => {
    const found = given || lookUpGlobal()
    if (!isStorageApi(found))
      throw new TypeError(`${name}: no global \`${global}\` here; pass a ${global}-like object or use another storage`)
    return found
  }
  return {
    get: (key) => api().getStorageSync(key),
    set: (key, value) => api().setStorageSync(key, value),
    remove: (key) => api().removeStorageSync(key),
  }
}

function isStorageApi(value: unknown): value is MiniProgramStorageApi {
  const api = value as MiniProgramStorageApi | null
  return (
    typeof api === 'object' &&
    api !== null &&
    typeof api.getStorageSync === 'function' &&
    typeof api.setStorageSync === 'function' &&
    typeof api.removeStorageSync === 'function'
  )
}
