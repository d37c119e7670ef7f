// Number formats shared by every table: ratios as 1.03x, times in the unit that reads best, bytes as B/KB.
import type { Spread } from '../measure/stats.ts'

export function ratio(s: Spread | undefined): string {
  if (!s || s.n === 0) return '—'
  const x = (v: number) => v.toFixed(2)
  return s.n === 1 ? `${x(s.median)}x (1 round)` : `${x(s.median)}x [${x(s.min)}–${x(s.max)}]`
}

export function duration(ms: number | undefined): string {
  if (ms === undefined || !isFinite(ms)) return '—'
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms >= 1_000) return `${(ms / 1000).toFixed(2)} s`
  if (ms >= 10) return `${ms.toFixed(0)} ms`
  return `${ms.toFixed(1)} ms`
}

export function nanos(ns: number | undefined): string {
  if (ns === undefined || !isFinite(ns)) return '—'
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(1)} µs`
  return `${ns.toFixed(0)} ns`
}

export function bytes(b: number | undefined): string {
  if (b === undefined || !isFinite(b)) return '—'
  return Math.abs(b) >= 1024 ? `${(b / 1024).toFixed(2)} KB` : `${b.toFixed(0)} B`
}

export function count(n: number): string {
  return n.toLocaleString('en')
}

/** `{ REFRESH_FAILED: 1000 }` → `1,000 REFRESH_FAILED`; empty → `—`. */
export function failures(f: Record<string, number>): string {
  const parts = Object.entries(f).map(([label, k]) => `${count(k)} ${label}`)
  return parts.length ? parts.join(', ') : '—'
}

/** A Markdown table; cells are strings, already formatted. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |'
  return [line(headers), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n')
}
