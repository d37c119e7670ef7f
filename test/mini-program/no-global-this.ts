// Child-process entry (node scripts/run-ts.mjs …): the same cycle with every missing global AND
// `globalThis` itself deleted, as on older WeChat versions. Prints the outcomes as one JSON line.
import { MINI_PROGRAM_MISSING_GLOBALS } from '../helpers/strip-globals.ts'
import { runSigning, runTokenCycle } from './cycle.ts'

const write = process.stdout.write.bind(process.stdout)
const host = globalThis as unknown as Record<string, unknown>
for (const name of [...MINI_PROGRAM_MISSING_GLOBALS, 'globalThis']) delete host[name]

runTokenCycle().then(
  (cycle) => write(JSON.stringify({ hadGlobalThis: typeof globalThis !== 'undefined', cycle, signing: runSigning() }) + '\n'),
  (error: unknown) => {
    write(JSON.stringify({ error: String(error) }) + '\n')
    process.exitCode = 1
  },
)
