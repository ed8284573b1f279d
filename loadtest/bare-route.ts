import Fastify from 'fastify';
import formbody from '@fastify/formbody';
import { Redis } from 'ioredis';

/**
 * The benchmark's ceilings: a bare Fastify route that parses the same form body as the wait loop
 * and returns fixed TwiML of the same shape, with no signature check, directory or Redis. Given a
 * Redis URL (`node bare-route.js PORT REDIS_URL`), the route also runs one small Lua script (a rank
 * and a count, like the position script) through ioredis with auto-pipelining, as the service's
 * client does: the limit for a webhook that needs one Redis round trip.
 */
const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="Polly.Amy" language="en-GB">You are number 7 in the queue. The wait is about 5 minutes.</Say><Pause length="30"/><Redirect method="POST">http://127.0.0.1/v1/twilio/wait?practice=L00000</Redirect></Response>';
const ONE_STEP = "return {redis.call('ZRANK', KEYS[1], ARGV[1]) or 0, redis.call('ZCARD', KEYS[1])}";

const redisUrl = process.argv[3];
const redis = redisUrl ? new Redis(redisUrl, { enableAutoPipelining: true }) : undefined;
redis?.defineCommand('oneStep', { numberOfKeys: 1, lua: ONE_STEP });
const oneStep = redis ? (redis as unknown as { oneStep: (key: string, member: string) => Promise<[number, number]> }).oneStep.bind(redis) : undefined;

const app = Fastify();
await app.register(formbody);
app.post('/v1/twilio/wait', async (request, reply) => {
  const body = request.body as Record<string, string>;
  if (!body.CallSid) return reply.status(400).send();
  if (oneStep) await oneStep('bench:{q}', body.CallSid);
  return reply.type('text/xml').send(TWIML);
});
await app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' });
