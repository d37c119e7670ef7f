// The simulator's buttons, as data: what each does to the simulated server or to the controller. The page draws
// one button per entry (`data-action="<name>"`, also its id), in this order.
import type { Simulator } from './simulator.ts'

export interface SimAction {
  name: string
  label: string
  /** The button's tooltip: what the user will see happen. */
  title: string
  /** The machine event the button sends, shown on the timeline (the controller's onEvent does not report these). */
  event?: string
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
  {
    name: 'app-hide',
    event: 'app.hide',
    label: 'app hidden',
    title: 'setAppVisible(false): the app goes to the background; the load pauses and no background refresh starts',
    run: (sim) => sim.setAppVisible(false),
  },
  {
    name: 'app-show',
    event: 'app.show',
    label: 'app shown',
    title: 'setAppVisible(true): back in the foreground; a token inside its soft window or expired is refreshed at once',
    run: (sim) => sim.setAppVisible(true),
  },
  {
    name: 'offline',
    event: 'network.offline',
    label: 'offline',
    title: 'setOnline(false): the network drops (the endpoint and the API fail); a retry waits in refreshing.paused',
    run: (sim) => sim.setOnline(false),
  },
  {
    name: 'online',
    event: 'network.online',
    label: 'online',
    title: 'setOnline(true): the network is back; a paused retry fires at once',
    run: (sim) => sim.setOnline(true),
  },
  { name: 'clear', label: 'clear()', title: 'forget the token; the next request fetches one', run: (sim) => sim.clear() },
  { name: 'stop', label: 'stop()', title: 'stop the controller: every request is rejected', run: (sim) => sim.stop() },
]
