/** The part of @jambonz/node-client (plain JS) the signature tests use: its Express-style verifier. */
declare module '@jambonz/node-client' {
  type Middleware = (req: { get(name: string): string | undefined; body: unknown; url: string }, res: unknown, next: () => void) => void;
  const client: { WebhookResponse: { verifyJambonzSignature(secret: string | string[]): Middleware } };
  export default client;
}
