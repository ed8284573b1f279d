import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { Counter } from 'prom-client';
import type { CallerLookups } from '../../../shared/patients/callers.js';

declare module 'fastify' {
  interface FastifyInstance {
    callers: CallerLookups;
  }
}

/** Who is calling (shared/patients): the per-call look-ups the flow started, their outcomes counted in /metrics. */
export default fp(async function patients(app: FastifyInstance, opts: { callers: CallerLookups }) {
  const lookups = new Counter({
    name: 'switchboard_patient_lookups_total',
    help: 'Clinical-system look-ups of callers by outcome: matched, no-match, withheld, off, or why unavailable (timeout, unauthorised, error, bad-answer)',
    labelNames: ['outcome'],
    registers: [app.metrics],
  });
  opts.callers.onOutcome = (outcome) => lookups.inc({ outcome });
  app.decorate('callers', opts.callers);
  app.addHook('onClose', async () => opts.callers.close());
}, { name: 'patients', dependencies: ['metrics'] });
