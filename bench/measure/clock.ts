// Two clocks for every timing: wall time (what the targets name) and this process's CPU time (user +
// system, all threads). Other engineers' tests share the 2 cores: they stretch wall time, not our CPU time.
export interface Figures {
  wall: number
  cpu: number
}

export type Metric = keyof Figures

export interface Stopwatch {
  /** Elapsed since start, ms on both clocks. */
  read(): Figures
}

export function startStopwatch(): Stopwatch {
  const wall0 = performance.now()
  const cpu0 = process.cpuUsage()
  return {
    read() {
      const cpu = process.cpuUsage(cpu0)
      return { wall: performance.now() - wall0, cpu: (cpu.user + cpu.system) / 1000 }
    },
  }
}
