// `npm run size`: runs size-limit (budgets in .size-limit.js, min+gzip) and prints one table, the one the README
// records, with what each adapter adds on top of createTokenController. Exits non-zero when a row is over its
// budget, an adapter adds more than 1.5 kB (or its raised budget below), or size-limit itself fails.
import { spawnSync } from 'node:child_process'
import path from 'node:path'

interface Row {
  name: string
  size: number
  sizeLimit?: number
  passed?: boolean
}

const bin = path.join(process.cwd(), 'node_modules', 'size-limit', 'bin.js')
const result = spawnSync(process.execPath, [bin, '--json'], { encoding: 'utf8' })
let rows: Row[]
try {
  rows = JSON.parse(result.stdout) as Row[]
} catch {
  console.error(result.stdout, result.stderr)
  console.error('size-limit did not report sizes (is dist/ built? run `npm run build`)')
  process.exit(1)
}

const ADAPTER_BUDGET = 1_500
// Adapters whose API grew past the 1.5 kB, raised by the measured cost in the commit that grew it (issue 15):
// uni and wx 1.49 / 1.48 -> 1.71 kB with uploadFile/downloadFile on the shared mini-program algorithm (+0.22:
// the transfer calls, the signer's view of form fields, the task listeners of UploadTask/DownloadTask);
// alipay is that same algorithm plus Alipay's shapes (+0.04). Measured after trimming (uni 1.705, wx 1.699,
// alipay 1.738 kB), each budget is its figure + 0.01. Alipay is over issue 15's 1.5 kB: the shared request path
// alone is ~0.93 of it (https rule 0.08, Retry-After 0.13, header writer 0.04), the mini-program layer ~0.80
// (transfers and the signer's view 0.09, task listeners 0.05, callbacks 0.06, errMsg 0.04, the missing-API
// TypeError 0.04, stripping our options 0.03, Alipay's shapes and fail-delivered HTTP errors 0.05); 1.5 kB means
// dropping some of that API. Each part's figure is what removing it from a copy of the tree saves (min+gzip).
// Then +0.05 on each for the review's bad-input fixes: a call with no options object is a TypeError, and errMsg
// is worded per call (`uploadFile:fail CODE`) and given to the app's own errors too (uni 1.755, wx 1.750, alipay
// 1.789 kB measured).
// Issue 16 changed no adapter, yet uni, wx and alipay measure up to 0.02 kB more on top of the larger controller
// (gzip shares less between them): +0.02 each.
// Issue 18: ./web-locks is no adapter but a coordinator (the shared driver and an engine over Web Locks, IndexedDB
// and BroadcastChannel); it adds 3.28 kB measured, budget its figure + 0.01 (see .size-limit.js for the parts).
const RAISED_BUDGET: Record<string, number> = { './uni': 1_790, './wx': 1_780, './alipay': 1_820, './web-locks': 3_290 }
const CONTROLLER_ROW = '. createTokenController only (our code)'
const controller = rows.find((row) => row.name === CONTROLLER_ROW)
if (!controller) {
  console.error(`size-limit reported no "${CONTROLLER_ROW}" row`)
  process.exit(1)
}
// "createTokenController + ./fetch (our code)" minus the controller alone: what the adapter adds to an app.
rows = rows.concat(
  rows
    .filter((row) => row.name.startsWith('createTokenController + '))
    .map((row) => {
      const added = row.size - controller.size
      const entry = row.name.slice('createTokenController + '.length).replace(' (our code)', '')
      const budget = RAISED_BUDGET[entry] ?? ADAPTER_BUDGET
      return { name: `${entry} added to the controller`, size: added, sizeLimit: budget, passed: added <= budget }
    }),
)

const kB = (bytes: number) => `${(bytes / 1000).toFixed(2)} kB`
const lines = [
  '| entry (min+gzip) | size | budget | |',
  '| --- | ---: | ---: | --- |',
  ...rows.map((row) => {
    const verdict = row.sizeLimit === undefined ? '' : row.passed === false ? `over by ${kB(row.size - row.sizeLimit)}` : 'ok'
    return `| ${row.name} | ${kB(row.size)} | ${row.sizeLimit === undefined ? '' : kB(row.sizeLimit)} | ${verdict} |`
  }),
]
console.log(lines.join('\n'))
const budgeted = rows.filter((row) => row.sizeLimit !== undefined)
const over = budgeted.filter((row) => row.passed === false)
console.log(`\n${budgeted.length - over.length} of ${budgeted.length} budgets met`)
process.exit(over.length || result.status ? 1 : 0)
