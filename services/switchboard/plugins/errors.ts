import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance } from 'fastify';
import { ProviderApiError } from '../../../shared/providers/api-error.js';
import { isRedisUnavailable } from '../redis.js';

/** An error with the HTTP status and the sentence to show the client. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** The one shape of every error response (RFC 9457), shared by every route's schema as `problem#`. */
/** The body schema of a POST that takes none: described for OpenAPI, and an absent body is accepted. */
export const noBody = { description: 'No body is needed; one sent is ignored.' } as const;

export const problemSchema = {
  $id: 'problem',
  type: 'object',
  description: 'application/problem+json (RFC 9457)',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', description: 'always about:blank: the status says what kind of problem it is' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string', description: 'a sentence saying what was wrong' },
  },
} as const;

const titles: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 415: 'Unsupported Media Type', 422: 'Unprocessable Content', 429: 'Too Many Requests', 502: 'Bad Gateway', 503: 'Service Unavailable' };

/** A schema's complaint in the request's terms; a value not in a list names the list (Ajv's message does not). */
function validationDetail(err: FastifyError): string {
  const said = `${err.validationContext ?? 'request'}${err.message.replace(/^(body|querystring|params|headers)/, '')}`;
  const allowed = err.validation?.find((v) => v.keyword === 'enum')?.params.allowedValues;
  return Array.isArray(allowed) ? `${said}: ${allowed.join(', ')}` : said;
}

/** Every error leaves as application/problem+json (RFC 9457) with a sentence that says what was wrong. */
export default fp(async function errors(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (isRedisUnavailable(err)) {
      request.log.warn({ err: err.message }, 'redis unavailable; request shed');
      void reply.header('retry-after', '5');
      err = new HttpError(503, 'Switchboard cannot reach its Redis just now; try again in a few seconds') as FastifyError;
    }
    if (err instanceof ProviderApiError) {
      // Said in the provider's words, so staff know it was not their request that was wrong.
      request.log.warn({ err: err.message }, 'telephony provider refused');
      err = new HttpError(502, `the telephony provider refused: ${err.message}`) as FastifyError;
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500 && !(err instanceof HttpError)) request.log.error({ err }, 'request failed');
    const detail = status >= 500 && !(err instanceof HttpError) ? 'Something went wrong on our side; it has been logged.' : err.validation ? validationDetail(err) : err.message;
    void reply
      .status(status)
      .type('application/problem+json')
      .send({ type: 'about:blank', title: titles[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error'), status, detail });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).type('application/problem+json').send({ type: 'about:blank', title: 'Not Found', status: 404, detail: `no route ${request.method} ${request.url.split('?')[0]}` });
  });
});
