import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { holdAndRetry } from '../../../shared/callflow/flow.js';
import type { Instruction } from '../../../shared/callflow/instructions.js';
import type { Practice } from '../../../shared/directory/types.js';

/**
 * A caller must always hear something: when the flow fails on a route that answers a call (Redis
 * briefly away), a provider's edge answers hold-and-retry in its own language instead of an error.
 */
export function holdCallersOnFailure(app: FastifyInstance, callRoutes: RegExp, answer: (request: FastifyRequest, reply: FastifyReply, instructions: Instruction[]) => unknown): void {
  app.setErrorHandler(async (err: Error & { statusCode?: number }, request, reply) => {
    if ((err.statusCode ?? 500) < 500 || !request.practice || !callRoutes.test(request.routeOptions.url ?? '')) throw err;
    request.log.error({ err }, 'call flow failed; caller held and retried');
    return answer(request, reply, holdAndRetry());
  });
}

/**
 * Every webhook of a provider's edge is matched to its practice and signature-checked before its
 * handler runs: `signedPractice` returns the practice or throws (404 unknown, 403 not signed).
 * A callback hook, not an async one: every webhook passes here, and a promise each is measurable.
 */
export function checkEveryWebhook<R extends FastifyRequest>(app: FastifyInstance, signedPractice: (request: R) => Practice): void {
  app.addHook('preHandler', (request, _reply, done) => {
    try {
      request.practice = signedPractice(request as R);
    } catch (err) {
      return done(err as Error);
    }
    done();
  });
}
