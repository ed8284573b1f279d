import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Failed token and ticket checks, counted per client address (docs/api.md#rate-limit). */
    authFailures: {
      /** Seconds until this address may try again when it has used up its failures; undefined when it may try now. */
      blockedFor: (request: FastifyRequest) => Promise<number | undefined>;
      /** Counts one failed check from this address. */
      count: (request: FastifyRequest) => Promise<void>;
      /** preHandler-style: 429 with Retry-After while this address may not try. */
      refuseWhileBlocked: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    };
  }
}

export interface AuthFailureOptions {
  /** Failures allowed per window; the next check from that address is refused until the window ends. */
  limit: number;
  windowSeconds: number;
}

/**
 * Slows down anyone guessing tokens or tickets. Only failures count (a practice's staff share one
 * address, and their good requests must never be limited), and an address that has used up its
 * failures is refused BEFORE its token is checked, so a right guess then cannot be told from a wrong one.
 * Counts are kept in this process (the check costs no Redis round trip on every request).
 */
export default fp(async function authFailures(app: FastifyInstance, opts: AuthFailureOptions) {
  await app.register(rateLimit, { global: false });
  const limiter = app.createRateLimit({ max: opts.limit, timeWindow: opts.windowSeconds * 1000 });
  const blockedFor = async (request: FastifyRequest) => {
    const state = await limiter(request, { increment: false });
    return !state.isAllowed && state.remaining === 0 ? Math.max(1, state.ttlInSeconds) : undefined;
  };
  app.decorate('authFailures', {
    blockedFor,
    count: async (request: FastifyRequest) => {
      await limiter(request);
    },
    refuseWhileBlocked: async (request: FastifyRequest, reply: FastifyReply) => {
      const retryAfter = await blockedFor(request);
      if (retryAfter === undefined) return;
      void reply.header('retry-after', String(retryAfter));
      throw new HttpError(429, tooManyFailures(retryAfter));
    },
  });
}, { name: 'auth-failures' });

export const tooManyFailures = (retryAfter: number) => `too many failed authentications from this address; try again in ${retryAfter} seconds`;
