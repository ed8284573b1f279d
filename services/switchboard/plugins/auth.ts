import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessGrant } from '../../../shared/directory/types.js';
import { HttpError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    grant: AccessGrant | null;
  }
  interface FastifyInstance {
    /** preHandler for staff, practice, PCN and ICB routes: a valid bearer token or 401. */
    authenticate: (request: FastifyRequest) => Promise<void>;
  }
}

export default fp(async function auth(app: FastifyInstance) {
  app.decorateRequest('grant', null);
  app.decorate('authenticate', async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!token) throw new HttpError(401, 'an Authorization: Bearer <token> header is required');
    const grant = app.directory().grantFor(token);
    if (!grant) throw new HttpError(401, 'the token is not recognised');
    request.grant = grant;
  });
}, { name: 'auth', dependencies: ['callflow'] });
