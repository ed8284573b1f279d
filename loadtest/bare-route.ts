import Fastify from 'fastify';
import formbody from '@fastify/formbody';

/**
 * The benchmark's ceiling: a bare Fastify route that parses the same form body as the wait loop
 * and returns fixed TwiML of the same shape, with no signature check, directory or Redis.
 */
const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="Polly.Amy" language="en-GB">You are number 7 in the queue. The wait is about 5 minutes.</Say><Pause length="30"/><Redirect method="POST">http://127.0.0.1/v1/twilio/wait?practice=L00000</Redirect></Response>';

const app = Fastify();
await app.register(formbody);
app.post('/v1/twilio/wait', async (request, reply) => {
  const body = request.body as Record<string, string>;
  if (!body.CallSid) return reply.status(400).send();
  return reply.type('text/xml').send(TWIML);
});
await app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' });
