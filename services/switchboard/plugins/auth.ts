import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessGrant } from '../../../shared/directory/types.js';
import { HttpError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    grant: AccessGrant | null;
  }
  interface FastifyInstance {
    /** preHandler for staff, practice, PCN and ICB routes: a valid bearer token or 401 (429 after too many failures). */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

export default fp(async function auth(app: FastifyInstance) {
  app.decorateRequest('grant', null);
  app.decorate('authenticate', async (request: FastifyRequest, reply: FastifyReply) => {
    await app.authFailures.refuseWhileBlocked(request, reply);
    // The scheme is case-insensitive (RFC 7235): "bearer" and "BEARER" are "Bearer".
    const token = /^bearer +(\S.*)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
    if (!token) throw new HttpError(401, 'an Authorization: Bearer <token> header is required');
    const grant = app.directory().grantFor(token);
    if (!grant) {
      await app.authFailures.count(request);
      throw new HttpError(401, 'the token is not recognised');
    }
    request.grant = grant;
  });
}, { name: 'auth', dependencies: ['callflow', 'auth-failures'] });
