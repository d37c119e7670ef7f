// The uni-app build (`uni build` for H5, `uni build -p mp-weixin`). painless-token comes from this repository's
// source, not from a package: the aliases point at src/, whose own imports (xstate, crypto-js) resolve from the
// repository root's node_modules.
import { fileURLToPath } from 'node:url'
import uni from '@dcloudio/vite-plugin-uni'
import { defineConfig } from 'vite'

const source = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url))

export default defineConfig({
  plugins: [uni()],
  resolve: {
    alias: [
      { find: /^painless-token$/, replacement: source('index.ts') },
      { find: /^painless-token\/luch-request$/, replacement: source('entries/luch-request.ts') },
    ],
  },
  // The mini-program's API origin, fixed at build time as mini-programs list their request domains.
  // H5 ignores it and uses the page's own origin (src/api/base.ts).
  define: { __API_BASE__: JSON.stringify(process.env.UNI_EXAMPLE_API_BASE ?? 'https://api.example.com') },
})
