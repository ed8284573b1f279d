import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { RedisAuditLog, type AuditLog } from '../../../shared/audit/audit.js';

declare module 'fastify' {
  interface FastifyInstance {
    audit: AuditLog;
  }
}

/** The audit log (shared/audit/audit.ts): one Redis stream per practice, kept AUDIT_RETENTION_DAYS. */
export default fp(async function audit(app: FastifyInstance, opts: { retentionDays: number }) {
  app.decorate('audit', new RedisAuditLog(app.redis, app.queue.keyPrefix, opts.retentionDays));
}, { name: 'audit', dependencies: ['callflow'] });
