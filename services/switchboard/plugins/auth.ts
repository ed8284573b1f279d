import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessGrant } from '../../../shared/directory/types.js';
import { HttpError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    grant: AccessGrant | null;
  }
  interface FastifyInstance {
    /**
     * preHandler for staff, practice, PCN and ICB routes: a machine's bearer token, or a person's
     * session cookie (docs/sign-in.md); otherwise 401 (429 after too many failures). Either way the
     * route sees `request.grant`.
     */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
  interface FastifyContextConfig {
    /** A POST that changes nothing (a live-screen ticket): allowed to read-only tokens. */
    readsOnly?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export default fp(async function auth(app: FastifyInstance, opts: { publicUrl: string }) {
  const ownOrigin = new URL(opts.publicUrl).origin;
  app.decorateRequest('grant', null);
  app.decorate('authenticate', async (request: FastifyRequest, reply: FastifyReply) => {
    await app.authFailures.refuseWhileBlocked(request, reply);
    const changes = !SAFE_METHODS.has(request.method) && !request.routeOptions.config.readsOnly;
    const header = request.headers.authorization;
    if (header !== undefined) {
      // The scheme is case-insensitive (RFC 7235): "bearer" and "BEARER" are "Bearer".
      const token = /^bearer +(\S.*)$/i.exec(header)?.[1]?.trim();
      if (!token) throw new HttpError(401, 'an Authorization: Bearer <token> header is required');
      const grant = app.directory().grantFor(token);
      if (!grant) {
        await app.authFailures.count(request);
        throw new HttpError(401, 'the token is not recognised');
      }
      if (grant.readOnly && changes) throw new HttpError(403, 'this token is read-only: it may not change anything');
      request.grant = grant;
      return;
    }
    const found = await app.signIn.check(request);
    if (!found.grant) {
      if (found.forged) await app.authFailures.count(request);
      if (found.ended) app.signIn.clearCookie(reply);
      throw new HttpError(401, found.ended ? `${found.ended}: sign in again` : 'an Authorization: Bearer <token> header is required, or sign in');
    }
    // A signed-in browser sends its cookie on every request; a change must come from this site's own pages.
    if (changes && !fromOwnPages(request, ownOrigin)) throw new HttpError(403, 'a change made with a signed-in session must come from Switchboard\'s own pages');
    request.grant = found.grant;
  });
}, { name: 'auth', dependencies: ['callflow', 'auth-failures', 'signin'] });

function fromOwnPages(request: FastifyRequest, ownOrigin: string): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined) return origin === ownOrigin;
  const site = request.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}
