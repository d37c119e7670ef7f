// The uni-app build (`uni build` for H5, `uni build -p mp-weixin`), in two variants that share every page and module:
// - npm (default): painless-token comes from this repository's source, not from a package: an alias points at
//   src/index.ts, whose own imports (xstate, crypto-js) resolve from the repository root's node_modules.
// - uni-modules (UNI_EXAMPLE_VARIANT=uni-modules): painless-token comes from the plugin-market folder at
//   src/uni_modules/painless-token, as in an HBuilderX project. The app's one import module, src/api/painless-token.ts,
//   is swapped for its twin that imports `@/uni_modules/painless-token`; no alias leads to the repository's src/, so
//   a stray `import 'painless-token'` fails the build instead of passing unnoticed.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import uni from '@dcloudio/vite-plugin-uni'
import { defineConfig, type AliasOptions } from 'vite'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))
const source = (path: string) => here(`../../src/${path}`)

function painlessTokenFrom(variant: string): AliasOptions {
  if (variant === 'npm') {
    return [{ find: /^painless-token$/, replacement: source('index.ts') }]
  }
  if (variant === 'uni-modules') {
    if (!existsSync(here('src/uni_modules/painless-token/package.json'))) {
      throw new Error(
        'src/uni_modules/painless-token is missing: run `npm run build:uni-modules` at the repository root and copy ' +
          'uni_modules/painless-token into examples/uni-app/src/uni_modules/',
      )
    }
    return [{ find: /^\.\/painless-token$/, replacement: here('src/api/painless-token.uni-modules.ts') }]
  }
  throw new Error(`UNI_EXAMPLE_VARIANT must be npm or uni-modules, got ${variant}`)
}

export default defineConfig({
  plugins: [uni()],
  resolve: { alias: painlessTokenFrom(process.env.UNI_EXAMPLE_VARIANT ?? 'npm') },
  // The mini-program's API origin, fixed at build time as mini-programs list their request domains.
  // H5 ignores it and uses the page's own origin (src/api/base.ts).
  define: { __API_BASE__: JSON.stringify(process.env.UNI_EXAMPLE_API_BASE ?? 'https://api.example.com') },
})
