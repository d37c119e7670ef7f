import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // luch-request ships extensionless ESM meant for uni-app's bundler: let vite transform it.
    server: { deps: { inline: ['luch-request'] } },
    testTimeout: 15_000,
  },
})
