// Text measured without a DOM, so Node and the browser lay out the same picture: the diagram uses a
// monospace font, where width is characters times a fixed advance.
export const FONT = 'ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace'
export const TEXT_SIZE = 11
export const TITLE_SIZE = 13
export const LINE_HEIGHT = 15
// A little wider than most monospace fonts' 0.6 em, so no label overflows its box.
const ADVANCE = 0.62

export function textWidth(text: string, size = TEXT_SIZE): number {
  return Math.ceil([...text].length * size * ADVANCE)
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** Fixed precision, so the same layout always prints the same SVG bytes. */
export function num(value: number): string {
  return String(Math.round(value * 10) / 10)
}
