// Correctness while measuring: a strict contender (painless-token, the baseline) that gets a token call,
// an answer or a settlement wrong fails the bench. The peers' failures are findings, shown in the tables.
export interface Checks {
  /** Records a violation when `condition` is false and the contender is held to correctness. */
  expect(strict: boolean, condition: boolean, message: string): void
  readonly violations: readonly string[]
}

export function createChecks(): Checks {
  const violations: string[] = []
  return {
    expect(strict, condition, message) {
      if (strict && !condition) violations.push(message)
    },
    violations,
  }
}
