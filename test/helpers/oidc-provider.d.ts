// oidc-provider 9 ships no declaration (its types live in @types/oidc-provider, not installed): the slice of its API
// test/helpers/oauth-server.ts uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  interface KoaContext {
    method: string
    path: string
    status: number
    type: string
    body: unknown
    req: IncomingMessage
    res: ServerResponse
    redirect(url: string): void
    oidc?: { params?: Record<string, unknown> }
  }

  interface InteractionDetails {
    uid: string
    params: Record<string, unknown>
    prompt: { name: string }
  }

  class Grant {
    constructor(fields: { accountId: string; clientId: string })
    addOIDCScope(scope: string): void
    save(): Promise<string>
  }

  class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>)
    readonly Grant: typeof Grant
    use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void
    callback(): (req: IncomingMessage, res: ServerResponse) => void
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>
  }

  export default Provider
  export { Provider }
}
