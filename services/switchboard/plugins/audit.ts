import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../../../shared/audit/audit.js';

declare module 'fastify' {
  interface FastifyInstance {
    audit: AuditLog;
  }
}

/**
 * The audit log as `app.audit`: a RedisAuditLog (one Redis stream per practice, kept
 * AUDIT_RETENTION_DAYS), made by app.ts so that the call flow's caller look-ups record into the same log.
 */
export default fp(async function audit(app: FastifyInstance, opts: { log: AuditLog }) {
  app.decorate('audit', opts.log);
}, { name: 'audit' });
