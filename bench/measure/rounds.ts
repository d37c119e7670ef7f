// Interleaved rounds: every round runs each cell once, in a fresh random order, so drift in machine load
// (other engineers' tests on the same 2 cores) hits all contenders alike. Each figure becomes a ratio to
// the baseline measured in the same round, on both clocks; the baseline's twin gives the A/A noise floor.
import type { Figures, Metric } from './clock.ts'
import { shuffled, type Random } from './rng.ts'
import { spread, type Spread } from './stats.ts'

export interface RoundCell {
  id: string
  /** Measures once; undefined when this cell is skipped this round. */
  run(round: number): Promise<Figures | undefined>
}

export interface RoundResults {
  /** Raw figures per cell id, one per round it ran in. */
  samples: Map<string, Figures[]>
  /** Per-round ratio to the baseline of that round, per clock. */
  ratios: Map<string, Figures[]>
}

export interface Summary {
  figure: Record<Metric, Spread>
  ratio: Record<Metric, Spread>
}

export interface RoundOptions {
  /** Round 0 warms the JIT for every contender and is thrown away. Default true. */
  warmup?: boolean
}

export async function runRounds(
  cells: readonly RoundCell[],
  rounds: number,
  random: Random,
  baselineId: string,
  options: RoundOptions = {},
): Promise<RoundResults> {
  const { warmup = true } = options
  let warmFigures = new Map<string, Figures>()
  const samples = new Map<string, Figures[]>(cells.map((c) => [c.id, []]))
  const ratios = new Map<string, Figures[]>(cells.map((c) => [c.id, []]))
  for (let round = warmup ? 0 : 1; round <= rounds; round++) {
    const figures = new Map<string, Figures>()
    for (const cell of shuffled(cells, random)) {
      // Outside the timing: every cell starts from a collected heap, so it meets the same GC schedule and one
      // contender's garbage is never billed to the next.
      collectGarbage()
      const figure = await cell.run(round)
      if (figure !== undefined) figures.set(cell.id, figure)
    }
    if (round === 0) {
      warmFigures = figures
      continue
    }
    const base = figures.get(baselineId)
    for (const [id, figure] of figures) {
      samples.get(id)!.push(figure)
      if (base !== undefined) ratios.get(id)!.push({ wall: figure.wall / base.wall, cpu: figure.cpu / base.cpu })
    }
  }
  // A cell too slow to run again after the warm-up round keeps that figure rather than none at all.
  const warmBase = warmFigures.get(baselineId)
  for (const [id, figure] of warmFigures) {
    if (samples.get(id)!.length > 0) continue
    samples.get(id)!.push(figure)
    if (warmBase !== undefined) ratios.get(id)!.push({ wall: figure.wall / warmBase.wall, cpu: figure.cpu / warmBase.cpu })
  }
  return { samples, ratios }
}

export function summarise(results: RoundResults, id: string): Summary | undefined {
  const figures = results.samples.get(id) ?? []
  if (figures.length === 0) return undefined
  const ratios = results.ratios.get(id) ?? []
  const of = (list: Figures[], metric: Metric) => spread(list.map((f) => f[metric]))
  return {
    figure: { wall: of(figures, 'wall'), cpu: of(figures, 'cpu') },
    ratio: { wall: of(ratios, 'wall'), cpu: of(ratios, 'cpu') },
  }
}

/** A full GC, when --expose-gc made one available. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc) gc()
}
