// What the README sync test compares: a Markdown file's headings and fenced code blocks, in order, read the way
// GitHub renders them (a `#` line inside a code block is code, not a heading), plus GitHub's heading anchors.

/** One heading: its level (1–6), its text, and the code spans (`…`) it names. */
export interface Heading {
  level: number
  text: string
  code: string[]
  line: number
}

/** One fenced code block: its info string (`ts`, `sh`, …) and its body, byte for byte. */
export interface CodeBlock {
  info: string
  body: string
  line: number
}

export interface Outline {
  headings: Heading[]
  blocks: CodeBlock[]
  /** Every `](#anchor)` link in the prose, with its line. */
  anchorLinks: { anchor: string; line: number }[]
}

const FENCE = /^(\s{0,3})(`{3,}|~{3,})(.*)$/
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/

/** Reads the headings, code blocks and in-page links of a Markdown text. */
export function outline(markdown: string): Outline {
  const headings: Heading[] = []
  const blocks: CodeBlock[] = []
  const anchorLinks: Outline['anchorLinks'] = []
  const lines = markdown.split('\n')
  let open: { fence: string; info: string; body: string[]; line: number } | undefined
  lines.forEach((text, index) => {
    const line = index + 1
    const fenceMatch = FENCE.exec(text)
    // The regex's groups always match (possibly empty) when it matches at all.
    const fence = fenceMatch ? { marks: fenceMatch[2] ?? '', info: (fenceMatch[3] ?? '').trim() } : undefined
    if (open) {
      // A closing fence is the same character, at least as long, with nothing after it.
      if (fence && fence.marks[0] === open.fence[0] && fence.marks.length >= open.fence.length && fence.info === '') {
        blocks.push({ info: open.info, body: open.body.join('\n'), line: open.line })
        open = undefined
      } else {
        open.body.push(text)
      }
      return
    }
    if (fence) {
      open = { fence: fence.marks, info: fence.info, body: [], line }
      return
    }
    const heading = HEADING.exec(text)
    if (heading) {
      const title = heading[2] ?? ''
      headings.push({ level: (heading[1] ?? '').length, text: title, code: codeSpans(title), line })
    }
    for (const match of text.matchAll(/\]\(#([^)\s]+)\)/g)) anchorLinks.push({ anchor: match[1] ?? '', line })
  })
  if (open) throw new Error(`a code block opened on line ${open.line} is never closed`)
  return { headings, blocks, anchorLinks }
}

function codeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '')
}

/**
 * The anchors GitHub gives the headings, in order: the heading's text without Markdown, lower-cased, punctuation
 * dropped (letters of any script, digits, `_`, `-` and spaces stay), spaces as `-`, and `-1`, `-2`… on repeats.
 */
export function headingAnchors(headings: Heading[]): string[] {
  const seen = new Map<string, number>()
  return headings.map(({ text }) => {
    const plain = text
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link or image: its text
      .replace(/[`*_~]/g, (mark) => (mark === '_' ? '_' : '')) // emphasis and code marks, not underscores in words
    const slug = plain
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}_\- ]/gu, '')
      .replace(/ /g, '-')
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    return count === 0 ? slug : `${slug}-${count}`
  })
}
