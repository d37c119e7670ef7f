// What `@/uni_modules/painless-token` exports: everything a uni-app needs from one import. The root API (controller,
// errors, storage, the luch-request adapter, signing, the machine), the uni entry (createUniRequest,
// installUniInterceptor) and the lifecycle entry (watchLifecycle). Exports only; scripts/build-uni-modules.mjs bundles it.
export * from '../src/index.ts'
export * from '../src/entries/uni.ts'
export * from '../src/entries/lifecycle.ts'
