// painless-token/machine: the raw token statechart, for the Stately visualizer, model-based tests and tooling.
// Apps use createTokenController from the root; this entry is for looking at the machine itself. Exports only.
/**
 * The raw token statechart and its types, for the Stately visualizer, model-based tests and tooling.
 *
 * @module painless-token/machine
 */
export { tokenMachine, isFresh } from '../../machines/token.machine.ts'
export type { TokenMachine, FetchTokenInput, FreshnessInput } from '../../machines/token.machine.ts'
export type {
  TokenState,
  RefreshReason,
  TokenContext,
  TokenEvent,
  TokenEmitted,
  TokenInput,
  RetryPolicy,
  Grant,
  SharedTokenGrant,
  Waiter,
  FetchFailure,
} from '../../machines/token.types.ts'
export type { Parked } from '../../machines/parked.ts'
