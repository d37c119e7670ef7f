// README.md and README.zh-CN.md say the same thing in two languages. What must match: the headings (same number at
// each level, in the same order, naming the same `code` in backticks) and the fenced code blocks (byte for byte, in
// the same order). The rule for code blocks: they are copied, never translated; their comments stay in English in
// both files, and the Chinese prose around them explains them. The prose itself is free. Each failure names the
// first difference and the line in each file.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { headingAnchors, outline, type CodeBlock, type Heading } from './markdown-outline.ts'

const EN = 'README.md'
const ZH = 'README.zh-CN.md'
const read = (file: string) => readFileSync(file, 'utf8')

const en = outline(read(EN))
const zh = outline(read(ZH))

const describeHeading = (h: Heading | undefined) =>
  h ? `${'#'.repeat(h.level)} ${h.text} (line ${h.line}${h.code.length ? `, code: ${h.code.join(', ')}` : ''})` : 'nothing'

/** The first heading where the two outlines part, worded for the failure message; undefined when they agree. */
function firstHeadingDifference(a: Heading[], b: Heading[]): string | undefined {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i]
    const y = b[i]
    if (!x || !y || x.level !== y.level || x.code.join('\u0000') !== y.code.join('\u0000')) {
      return `heading ${i + 1} differs: ${EN} has ${describeHeading(x)}, ${ZH} has ${describeHeading(y)}`
    }
  }
  return undefined
}

/** The first code block that differs, with the first line that differs inside it; undefined when they agree. */
function firstBlockDifference(a: CodeBlock[], b: CodeBlock[]): string | undefined {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i]
    const y = b[i]
    if (!x || !y) {
      const [has, lacks] = x ? [EN, ZH] : [ZH, EN]
      const block = (x ?? y) as CodeBlock
      return `code block ${i + 1} (\`\`\`${block.info}, ${has} line ${block.line}) is missing from ${lacks}`
    }
    if (x.info !== y.info || x.body !== y.body) {
      const xs = [x.info, ...x.body.split('\n')]
      const ys = [y.info, ...y.body.split('\n')]
      const at = xs.findIndex((text, j) => text !== ys[j])
      const k = at === -1 ? xs.length : at
      return (
        `code block ${i + 1} differs (${EN} line ${x.line + k}, ${ZH} line ${y.line + k}; code blocks are copied, ` +
        `comments included):\n  ${EN}: ${JSON.stringify(xs[k] ?? '(end of block)')}\n  ${ZH}: ${JSON.stringify(ys[k] ?? '(end of block)')}`
      )
    }
  }
  return undefined
}

describe('README.zh-CN.md keeps in step with README.md', () => {
  it('has the same headings: level, order and the code each names', () => {
    expect(firstHeadingDifference(en.headings, zh.headings)).toBeUndefined()
  })

  it('has the same code blocks, byte for byte, in the same order', () => {
    expect(firstBlockDifference(en.blocks, zh.blocks)).toBeUndefined()
  })

  it('links to the other language in its first lines', () => {
    expect(read(EN).split('\n').slice(0, 5).join('\n')).toContain('English | [简体中文](README.zh-CN.md)')
    expect(read(ZH).split('\n').slice(0, 5).join('\n')).toContain('[English](README.md) | 简体中文')
  })

  it.each([
    [EN, en],
    [ZH, zh],
  ])('%s: every in-page link (#anchor) points at one of its headings', (_file, doc) => {
    const anchors = new Set(headingAnchors(doc.headings))
    const broken = doc.anchorLinks.filter((link) => !anchors.has(decodeURIComponent(link.anchor)))
    expect(broken).toEqual([])
  })
})

describe('the comparison itself', () => {
  const heading = (level: number, text: string, line = 1): Heading => ({
    level,
    text,
    code: outline(`${'#'.repeat(level)} ${text}`).headings[0]?.code ?? [],
    line,
  })

  it('names the first heading whose level differs', () => {
    expect(firstHeadingDifference([heading(2, 'Install'), heading(3, 'Options', 9)], [heading(2, '安装'), heading(2, '选项', 7)])).toBe(
      `heading 2 differs: ${EN} has ### Options (line 9), ${ZH} has ## 选项 (line 7)`,
    )
  })

  it('names a heading whose code differs, and one that is missing', () => {
    expect(firstHeadingDifference([heading(3, 'wx: `createWxRequest`')], [heading(3, 'wx：`createUniRequest`')])).toContain(
      'code: createWxRequest',
    )
    expect(firstHeadingDifference([heading(2, 'FAQ')], [])).toBe(`heading 1 differs: ${EN} has ## FAQ (line 1), ${ZH} has nothing`)
  })

  it('names the first line that differs inside a code block, and a missing block', () => {
    const a = outline('text\n\n```ts\nconst a = 1\n// the token\n```\n').blocks
    const b = outline('文字\n\n```ts\nconst a = 1\n// 令牌\n```\n').blocks
    expect(firstBlockDifference(a, b)).toContain(`${EN} line 5, ${ZH} line 5`)
    expect(firstBlockDifference(a, b)).toContain('"// 令牌"')
    expect(firstBlockDifference(a, [])).toBe(`code block 1 (\`\`\`ts, ${EN} line 3) is missing from ${ZH}`)
  })

  it('does not take a # line inside a code block for a heading, and reads GitHub anchors', () => {
    const doc = outline(
      '# Title\n\n```sh\n# a comment\n```\n\n## Quick start (uni-app + luch-request)\n\n## 常见问题：`code: 401`\n\n## FAQ\n\n## FAQ\n',
    )
    expect(doc.headings.map((h) => h.level)).toEqual([1, 2, 2, 2, 2])
    expect(headingAnchors(doc.headings)).toEqual(['title', 'quick-start-uni-app--luch-request', '常见问题code-401', 'faq', 'faq-1'])
  })
})
