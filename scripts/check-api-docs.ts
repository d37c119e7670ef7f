// After `typedoc` (npm run docs): every public name in the API reference has a summary and an @example.
// TypeDoc itself fails on undocumented names and broken links (typedoc.json); it cannot require examples.
import { readFileSync } from 'node:fs'

interface Comment {
  summary?: unknown[]
  blockTags?: { tag: string }[]
}
interface Reflection {
  name: string
  kind: number
  comment?: Comment
  signatures?: Reflection[]
  children?: Reflection[]
}

// TypeDoc's ReflectionKind values for the names a module exports.
const KINDS: Record<number, string> = { 32: 'variable', 64: 'function', 128: 'class', 256: 'interface', 2097152: 'type' }

const project = JSON.parse(readFileSync('docs/api/api.json', 'utf8')) as Reflection
const problems: string[] = []
let checked = 0
for (const mod of project.children ?? []) {
  for (const item of mod.children ?? []) {
    const kind = KINDS[item.kind]
    if (!kind) continue // re-exports point at a name documented where it is defined
    checked++
    const comments = [item.comment, ...(item.signatures ?? []).map((s) => s.comment)].filter((c): c is Comment => !!c)
    if (!comments.some((c) => (c.summary ?? []).length > 0)) problems.push(`${mod.name}: ${kind} ${item.name} has no summary`)
    if (!comments.some((c) => (c.blockTags ?? []).some((t) => t.tag === '@example')))
      problems.push(`${mod.name}: ${kind} ${item.name} has no @example`)
  }
}
for (const problem of problems) console.error(problem)
console.log(`${checked} public names checked, ${problems.length} without a summary or an @example`)
if (checked === 0 || problems.length) process.exit(1)
