import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { PlanThread } from '../../../shared/planning/plan-thread.js';

declare module 'fastify' {
  interface FastifyInstance {
    planner: PlanThread;
  }
}

/** The roster planner's thread (shared/planning/plan-thread.ts): plans are worked out off the event loop the webhooks share, and the thread ends with the service. */
export default fp(async function planner(app: FastifyInstance) {
  const thread = new PlanThread();
  app.decorate('planner', thread);
  app.addHook('onClose', () => thread.close());
}, { name: 'planner' });
