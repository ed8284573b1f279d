import t from 'tap';
import Fastify from 'fastify';
import errors, { HttpError } from '../../../../services/switchboard/plugins/errors.js';
import { TwilioApiError } from '../../../../shared/providers/twilio/rest.js';
import { JambonzApiError } from '../../../../shared/providers/jambonz/rest.js';

t.test('every error leaves as a problem with a sentence; a provider refusal is a 502 in its own words', async (t) => {
  const app = Fastify();
  await app.register(errors);
  app.get('/twilio', async () => {
    throw new TwilioApiError(400, 21220, 'Call is not in-progress. Cannot redirect.');
  });
  app.get('/jambonz', async () => {
    throw new JambonzApiError(422, 'call is not active');
  });
  app.get('/ours', async () => {
    throw new HttpError(409, 'Alice is not on a call');
  });
  app.get('/bug', async () => {
    throw new Error('undefined is not a function');
  });
  t.teardown(() => app.close());

  const twilio = await app.inject('/twilio');
  t.equal(twilio.statusCode, 502);
  t.equal(twilio.headers['content-type'], 'application/problem+json; charset=utf-8');
  t.same(twilio.json(), { type: 'about:blank', title: 'Bad Gateway', status: 502, detail: 'the telephony provider refused: Twilio API 400 (21220): Call is not in-progress. Cannot redirect.' });
  t.match((await app.inject('/jambonz')).json(), { status: 502, detail: 'the telephony provider refused: jambonz API 422: call is not active' });
  t.match((await app.inject('/ours')).json(), { status: 409, title: 'Conflict', detail: 'Alice is not on a call' });
  const bug = await app.inject('/bug');
  t.equal(bug.statusCode, 500);
  t.equal(bug.json().detail, 'Something went wrong on our side; it has been logged.', 'our own faults say nothing of their insides');
});
