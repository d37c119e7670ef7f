// The simulator's buttons (`data-action="<name>"`), one per entry of SIM_ACTIONS, appended to the header's bar.
import type { SimAction } from '../sim/actions.ts'

export function mountActions(container: HTMLElement, actions: readonly SimAction[], onClick: (action: SimAction) => void): void {
  for (const action of actions) {
    const button = document.createElement('button')
    button.type = 'button'
    button.id = action.name
    button.dataset.action = action.name
    button.title = action.title
    button.textContent = action.label
    button.addEventListener('click', () => onClick(action))
    container.append(button)
  }
}
