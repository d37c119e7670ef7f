// The page's script: wires the button to the API client. Credentials come from a prompt, for the example only.
import { createApi } from './api.ts'

declare const document: {
  getElementById(id: string): { textContent: string | null; addEventListener(type: 'click', f: () => void): void } | null
}
declare const localStorage: Parameters<typeof createApi>[0]['storage']
declare const prompt: (message: string) => string | null

const api = createApi({
  baseUrl: '',
  storage: localStorage,
  credentials: async () => ({ username: prompt('user') ?? '', password: prompt('password') ?? '' }),
})
document.getElementById('load')?.addEventListener('click', async () => {
  const out = document.getElementById('out')
  if (out) out.textContent = JSON.stringify(await api.orders(), null, 2)
})
