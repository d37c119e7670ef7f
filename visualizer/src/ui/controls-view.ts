// The knobs as labelled range inputs (`data-knob="<name>"`), each showing its value.
import { KNOB_SPECS, type Knobs, type KnobSpec } from '../sim/knobs.ts'

export function mountControls(container: HTMLElement, knobs: Knobs, onChange: (spec: KnobSpec) => void): void {
  container.innerHTML = ''
  for (const spec of KNOB_SPECS) {
    const label = document.createElement('label')
    label.className = 'knob'
    const name = document.createElement('span')
    name.textContent = spec.label
    const input = spec.choices ? choiceInput(spec.choices, spec.unit) : rangeInput(spec)
    input.value = String(knobs[spec.name])
    input.dataset.knob = spec.name
    const value = document.createElement('output')
    const show = () => (value.textContent = `${knobs[spec.name]}${spec.unit}`)
    show()
    input.addEventListener('input', () => {
      knobs[spec.name] = Number(input.value)
      show()
      onChange(spec)
    })
    label.append(name, input, value)
    container.append(label)
  }
}

function rangeInput(spec: KnobSpec): HTMLInputElement {
  const input = document.createElement('input')
  input.type = 'range'
  input.min = String(spec.min)
  input.max = String(spec.max)
  input.step = String(spec.step)
  return input
}

function choiceInput(choices: number[], unit: string): HTMLSelectElement {
  const select = document.createElement('select')
  for (const choice of choices) select.add(new Option(`${choice}${unit}`, String(choice)))
  return select
}
