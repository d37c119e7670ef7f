// The simulator's buttons, as data: what each does to the simulated server or to the controller. The page draws
// one button per entry (`data-action="<name>"`, also its id), in this order.
import type { Simulator } from './simulator.ts'

export interface SimAction {
  name: string
  label: string
  /** The button's tooltip: what the user will see happen. */
  title: string
  run(sim: Simulator): unknown
}

export const SIM_ACTIONS: SimAction[] = [
  {
    name: 'revoke',
    label: 'server revokes the token',
    title: 'the server revokes every access token: the next requests get 401',
    run: (sim) => sim.revoke(),
  },
  {
    name: 'refuse-refresh',
    label: 'refuse refresh token (invalid_grant)',
    title: 'the server refuses the refresh tokens it issued: after a login, the next refresh gets invalid_grant → failed.loginRequired',
    run: (sim) => sim.refuseRefreshTokens(),
  },
  {
    name: 'log-in',
    label: 'log in (setGrant)',
    title: 'the server issues a login grant (access + refresh token) and the app calls setGrant(grant) → valid',
    run: (sim) => sim.logIn(),
  },
  {
    name: 'log-out',
    label: 'log out',
    title: 'logout(): the tokens are forgotten, revokeToken revokes them at the server → failed.loginRequired',
    run: (sim) => sim.logOut(),
  },
  { name: 'clear', label: 'clear()', title: 'forget the token; the next request fetches one', run: (sim) => sim.clear() },
  { name: 'stop', label: 'stop()', title: 'stop the controller: every request is rejected', run: (sim) => sim.stop() },
]
