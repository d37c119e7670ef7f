// `npm run diagram`: writes docs/token-machine.mmd and docs/token-machine.svg from the real tokenMachine,
// with the visualizer's own extraction, elkjs layout and SVG renderer, and puts the Mermaid text into the
// READMEs' ```mermaid blocks. `-- --check` writes nothing and exits 1 when a committed copy differs (CI runs
// it, so the pictures cannot drift from the machine).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { tokenMachine } from '../machines/token.machine.ts'
import { diagramMermaid, diagramSvg } from '../visualizer/src/diagram/index.ts'

// run-ts bundles this file into node_modules/.cache, so import.meta.url is not here: npm runs scripts from the root.
const root = process.cwd()
const check = process.argv.slice(2).includes('--check')
const mermaid = diagramMermaid(tokenMachine)
const files: Array<[string, string]> = [
  ['docs/token-machine.mmd', mermaid],
  ['docs/token-machine.svg', await diagramSvg(tokenMachine)],
  // Both READMEs hold the same diagram (the README sync test compares their code blocks).
  ...['README.md', 'README.zh-CN.md'].map((readme): [string, string] => [
    readme,
    withMermaidBlock(readme, readFileSync(path.join(root, readme), 'utf8'), mermaid),
  ]),
]

let stale = 0
for (const [file, content] of files) {
  const full = path.join(root, file)
  const current = existsSync(full) ? readFileSync(full, 'utf8') : undefined
  if (current === content) {
    console.log(`${file} is current`)
  } else if (check) {
    stale++
    console.error(`${file} is out of date: run \`npm run diagram\` and commit it`)
  } else {
    mkdirSync(path.dirname(full), { recursive: true })
    writeFileSync(full, content)
    console.log(`wrote ${file}`)
  }
}
process.exitCode = stale === 0 ? 0 : 1

// A README's one ```mermaid block, replaced by the generated text; the rest of the README is left alone.
function withMermaidBlock(name: string, readme: string, text: string): string {
  const start = readme.indexOf('```mermaid\n')
  const end = start === -1 ? -1 : readme.indexOf('```\n', start + 11)
  if (end === -1) throw new Error(`${name} has no \`\`\`mermaid block to put the diagram in`)
  return `${readme.slice(0, start)}\`\`\`mermaid\n${text}${readme.slice(end)}`
}
