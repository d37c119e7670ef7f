// Everything the demo shows goes through here: lines to stdout, colours only on a TTY without NO_COLOR,
// and a copy of every byte written to stdout and stderr (by anyone) so the demo can prove no token leaked.

export interface Output {
  line(text?: string): void
  readonly colour: Colours
  /** Everything written to stdout and stderr since capture started, colour codes included. */
  captured(): string
  /** Puts back the original stdout/stderr writers. */
  release(): void
}

export interface Colours {
  dim(text: string): string
  bold(text: string): string
  green(text: string): string
  yellow(text: string): string
  red(text: string): string
  cyan(text: string): string
}

type Write = typeof process.stdout.write

export function createOutput(): Output {
  const chunks: string[] = []
  const streams = [process.stdout, process.stderr]
  const originals = streams.map((stream) => stream.write)
  streams.forEach((stream, index) => {
    const original = originals[index] as Write
    stream.write = function capture(this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'))
      return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest)
    } as Write
  })

  // `npm run demo | head`: the reader left; stop quietly instead of crashing on EPIPE.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit()
    throw error
  })

  const useColour = process.stdout.isTTY === true && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '')
  const paint = (code: number, reset: number) => (text: string) => (useColour ? `\u001b[${code}m${text}\u001b[${reset}m` : text)
  const colour: Colours = {
    dim: paint(2, 22),
    bold: paint(1, 22),
    green: paint(32, 39),
    yellow: paint(33, 39),
    red: paint(31, 39),
    cyan: paint(36, 39),
  }

  return {
    line: (text = '') => void process.stdout.write(text + '\n'),
    colour,
    captured: () => chunks.join(''),
    release() {
      streams.forEach((stream, index) => {
        stream.write = originals[index] as Write
      })
    },
  }
}
