// The storage backends, re-exported. Pick one per platform; all implement TokenStorage.
export type { TokenStorage } from './types.ts'
export { memoryStorage } from './memory.ts'
export { uniStorage, type UniStorageApi } from './uni.ts'
export { wxStorage, type WxStorageApi } from './wx.ts'
export { webStorage, type WebStorageLike } from './web.ts'
