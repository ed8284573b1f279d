import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fp from 'fastify-plugin';
import type { FastifyInstance, RouteOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { projectRoot } from '../../../shared/paths.js';
import { problemSchema } from './errors.js';

const PROVIDER_WEBHOOK = /^\/v1\/(twilio|jambonz|vonage)\//;
const problem = { $ref: 'problem#' };
/** Errors any route can answer with, all in the one problem+json shape. */
const errorResponses = { 400: problem, 401: problem, 403: problem, 404: problem, 500: problem, 503: problem };

/**
 * OpenAPI 3 generated from the route schemas, served at /docs/json (and /docs/yaml) with the
 * Swagger UI at /docs from the package's own bundled files (no CDN). Every route gets the shared
 * problem+json error responses; a route's own schema for a status wins. Registered before the
 * routes, so that it sees each one as it is added.
 */
export default fp(async function openapi(app: FastifyInstance, opts: { publicUrl: string }) {
  app.addSchema(problemSchema);
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = (route.schema ?? {}) as Record<string, unknown> & { hide?: boolean; response?: Record<string, unknown> };
    if (schema.hide) return;
    const url = route.url ?? '';
    route.schema = {
      ...schema,
      ...([route.preHandler].flat().includes(app.authenticate) ? { security: [{ bearer: [] }] } : {}),
      // Grouped in the UI by the segment after /v1/ (staff, practices, …), webhooks together.
      ...(!schema.tags && url.startsWith('/v1/') ? { tags: [url.split('/')[2]!] } : {}),
      ...(PROVIDER_WEBHOOK.test(url) ? { consumes: ['application/x-www-form-urlencoded'], tags: ['provider webhooks'] } : {}),
      response: { ...errorResponses, ...schema.response },
    };
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Switchboard',
        version: (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version,
        description: 'Call queuing and routing for GP practices. Provider webhooks are signature-checked; every other /v1 route needs `Authorization: Bearer <token>` from the directory. Errors are application/problem+json.',
        license: { name: 'MIT' },
      },
      servers: [{ url: opts.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}, { name: 'openapi', dependencies: ['auth'] });
