import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { holdAndRetry } from '../../../shared/callflow/flow.js';
import type { Instruction } from '../../../shared/callflow/instructions.js';

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
