// `npm run size`: runs size-limit (budgets in .size-limit.js, min+gzip) and prints one table, the one the README
// records. Exits non-zero when a row is over its budget, or when size-limit itself fails.
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
