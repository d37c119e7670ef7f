// Writes a run: results.json (full runs: bench/results.json; --quick: the build cache, so a smoke run in CI
// leaves the committed figures alone) and, for a complete full run, the tables section of bench/RESULTS.md
// between its markers; the hand-written analysis around them stays. The file is written as Prettier formats it,
// so `npm run lint` stays clean after a run.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'

const START = '<!-- tables:start (written by npm run bench) -->'
const END = '<!-- tables:end -->'

export function writeResults(json: unknown, quick: boolean): string {
  const file = quick ? path.resolve('node_modules/.cache/painless-token/bench-results.quick.json') : path.resolve('bench/results.json')
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, JSON.stringify(json, null, 2) + '\n')
  return file
}

export function writeResultsMarkdown(header: string, tables: string): string {
  const file = path.resolve('bench/RESULTS.md')
  const section = `${START}\n${header}\n\n${tables}\n${END}`
  const current = existsSync(file) ? readFileSync(file, 'utf8') : `# Benchmark results\n\n${START}\n${END}\n`
  const from = current.indexOf(START)
  const to = current.indexOf(END)
  const next =
    from === -1 || to === -1 ? `${current.trimEnd()}\n\n${section}\n` : current.slice(0, from) + section + current.slice(to + END.length)
  writeFileSync(file, next)
  // Prettier's own command, in a child: the bench is bundled, Prettier loads its plugins at run time.
  execFileSync(process.execPath, [createRequire(import.meta.url).resolve('prettier/bin/prettier.cjs'), '--write', '--log-level=warn', file])
  return file
}
