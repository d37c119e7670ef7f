// The miniprogram build: what WeChat's "Build npm" (miniprogram-ci's packNpm) copies into miniprogram_npm/.
// WeChat ships a package's "miniprogram" folder as it is and resolves `require('painless-token/wx')` to wx.js in it;
// it knows no "exports", no ESM and no `?.`. So: one CommonJS .js file per entry, ES2017, xstate and the parts of
// crypto-js we use bundled in (their own dists are never parsed), shared code in shared chunks so each error class
// exists once across entries (instanceof holds between painless-token and painless-token/wx). The entry list is
// scripts/miniprogram-entries.ts.
import { defineConfig } from 'tsdown'
import { MINIPROGRAM_ENTRIES } from './scripts/miniprogram-entries.ts'

const NO_CRYPTO = '\0no-node-crypto'

export default defineConfig({
  entry: MINIPROGRAM_ENTRIES,
  outDir: 'miniprogram_dist',
  format: 'cjs',
  platform: 'neutral',
  target: 'es2017',
  dts: false,
  sourcemap: false,
  // WeChat copies the folder into the app as it is: minified, it weighs 90 kB instead of 236 kB in the code package.
  // Error classes carry their `name` and `code` explicitly, so minified names change nothing a caller reads.
  minify: true,
  // WeChat loads .js only; the files are CommonJS whatever package.json's "type" says (Node never reads them).
  outExtensions: () => ({ js: '.js' }),
  clean: true,
  checks: { pluginTimings: false },
  deps: { alwaysBundle: ['xstate', /^crypto-js(\/|$)/] },
  plugins: [
    {
      // crypto-js tries require('crypto') (Node's) inside try/catch when no Web Crypto is found. Left as it is, the
      // folder would require a module WeChat does not have; answer it here with "none", which crypto-js expects.
      name: 'no-node-crypto',
      resolveId: (id) => (id === 'crypto' ? NO_CRYPTO : null),
      load: (id) => (id === NO_CRYPTO ? 'module.exports = undefined' : null),
    },
  ],
})
