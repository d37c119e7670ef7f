// The package build: ESM + CJS, bundled .d.ts/.d.cts, source maps, ES2017 syntax (the floor of mini-program
// runtimes on old phones). Entries match package.json "exports"; shared code lands in shared chunks.
import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'luch-request': 'src/entries/luch-request.ts',
    uni: 'src/entries/uni.ts',
    wx: 'src/entries/wx.ts',
    taro: 'src/entries/taro.ts',
    alipay: 'src/entries/alipay.ts',
    axios: 'src/entries/axios.ts',
    fetch: 'src/entries/fetch.ts',
    signing: 'src/entries/signing.ts',
    machine: 'src/entries/machine.ts',
    lifecycle: 'src/entries/lifecycle.ts',
    // Node only (a Redis client); it stays out of the root entry and the miniprogram build.
    redis: 'src/entries/redis.ts',
    'web-locks': 'src/entries/web-locks.ts',
  },
  format: ['esm', 'cjs'],
  // neutral: no Node or browser assumptions (mini-programs are neither); CJS is forced to node by tsdown.
  platform: 'neutral',
  target: 'es2017',
  dts: true,
  sourcemap: true,
  // .js for ESM (the package is "type": "module"), .cjs for CJS; declarations follow: .d.ts / .d.cts.
  fixedExtension: false,
  clean: true,
  // The plugin-timing note (declaration bundling is most of the build) is not actionable here.
  checks: { pluginTimings: false },
  // dependencies and peer dependencies stay external; say so anyway, so a new import cannot be inlined silently.
  // The Redis clients are never imported (painless-token/redis takes the app's client), listed in case one ever is.
  deps: { neverBundle: ['xstate', /^crypto-js(\/|$)/, 'luch-request', 'axios', 'ioredis', 'redis', /^@redis\//] },
  outputOptions: {
    // src imports 'crypto-js/md5' (fine for bundlers and TypeScript). crypto-js has no "exports" map, so Node's
    // ESM resolver needs the file extension: emit 'crypto-js/md5.js', which every resolver accepts.
    paths: (id) => (/^crypto-js\/[\w-]+$/.test(id) ? `${id}.js` : id),
  },
})
