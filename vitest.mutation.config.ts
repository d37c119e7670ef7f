// The suites Stryker runs per mutant: the ones that exercise machines/ and the controller in-process.
// HTTP, child-process and sandbox suites add minutes per mutant and kill nothing these do not.
import { defineConfig, mergeConfig } from 'vitest/config'
import base from './vitest.config.ts'

export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: [
        'test/token.machine*.test.ts',
        'test/parked.test.ts',
        'test/backoff.test.ts',
        'test/controller.*.test.ts',
        'test/model/**/*.test.ts',
        'test/property/**/*.test.ts',
      ],
      // mergeConfig concatenates arrays: `include` above adds to the base's `test/**`, it does not narrow it.
      // The mini-program sandbox runs bundles in a vm with code generation from strings off and, in one pass, no
      // globalThis: Stryker's instrumented code needs `new Function` there, and no mutant is reachable from it.
      exclude: ['test/sandbox/**'],
      coverage: { enabled: false },
    },
  }),
)
