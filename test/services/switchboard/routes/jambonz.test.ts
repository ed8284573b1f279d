import t, { type Test } from 'tap';
import { parseDirectory } from '../../../../shared/directory/load.js';
import { jambonzSignatureHeader } from '../../../../shared/providers/jambonz/signature.js';
import { validateVerbs } from '../../../fakes/jambonz.js';
import { privateRedis } from '../../../helpers/redis.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';
import { EXAMPLE_YAML, PRACTICE_TOKEN, RIVERSIDE } from '../../../fixtures/directories.js';

const ACCOUNT = '4a0f2b1c-5d6e-4f70-8a9b-0c1d2e3f4a01';
const SECRET = 'wh_secret_riverside';
const directory = () => parseDirectory(EXAMPLE_YAML.replace(/provider: \{ kind: twilio[^}]*\}/, `provider: { kind: jambonz, accountSid: ${ACCOUNT}, apiKey: 5b1e3c2d-6e7f-4a81-9bac-1d2e3f4a5b01, webhookSecret: ${SECRET} }`), 'jambonz');

async function setup(t: Test) {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: directory(), env: { JAMBONZ_API_BASE: 'http://127.0.0.1:9' } });
  const post = async (path: string, raw: string, contentType = 'application/json') => {
    const res = await fetch(sb.url + path, { method: 'POST', headers: { 'content-type': contentType, 'jambonz-signature': jambonzSignatureHeader(SECRET, raw) }, body: raw });
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  };
  return { redis, sb, post };
}

t.test('bodies that are not JSON call information: 400 or 403, with a sentence, changing nothing', async (t) => {
  const { post, redis } = await setup(t);
  const bad = await post('/v1/jambonz/call', '{"call_sid": ');
  t.equal(bad.status, 400, 'broken JSON');
  t.match(bad.type, 'application/problem+json');
  t.match(JSON.parse(bad.text), { status: 400, detail: /JSON/ });
  t.equal((await post('/v1/jambonz/call', '{"__proto__": {"x": 1}, "call_sid": "a", "account_sid": "b"}')).status, 400, 'prototype poisoning');
  t.equal((await post('/v1/jambonz/call', '[]')).status, 400, 'not an object');
  const form = await post('/v1/jambonz/call', `call_sid=a&account_sid=${ACCOUNT}&to=${encodeURIComponent(RIVERSIDE)}`, 'application/x-www-form-urlencoded');
  t.equal(form.status, 403, 'a form post is not something jambonz signed');
  // (The call-back and recording-retention schedulers' own BullMQ keys, written at start, are not call state.)
  t.same((await redis.connect().keys('*')).filter((k) => !k.startsWith('sb:{callbacks}') && !k.startsWith('sb:{recordings}')), [], 'nothing was written');
});

t.test('when the flow cannot run, a jambonz caller is held and retried, never cut off', async (t) => {
  const { post, redis } = await setup(t);
  redis.child.kill('SIGSTOP'); // Redis stops answering
  const raw = JSON.stringify({ call_sid: 'c1', account_sid: ACCOUNT, from: '+447700900123', to: '441375100001', call_status: 'trying' });
  const res = await post('/v1/jambonz/call', raw);
  t.equal(res.status, 200);
  const verbs = validateVerbs(JSON.parse(res.text));
  t.match(verbs, [{ verb: 'say', text: /please hold on/ }, { verb: 'pause', length: 5 }, { verb: 'redirect', actionHook: '/v1/jambonz/wait?practice=F81001' }], 'hold, then the wait loop (which queues the call afresh)');
  redis.child.kill('SIGCONT');
});

t.test('call-backs need the speech settings jambonz requires of a call placed outside an application', async (t) => {
  const book = async (yaml: string) => {
    const redis = await privateRedis(t);
    const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: parseDirectory(yaml, 'jambonz'), env: { JAMBONZ_API_BASE: 'http://127.0.0.1:9' } });
    const start = Date.now() + 3_600_000;
    return sb.api('POST', '/v1/practices/F81001/callbacks', PRACTICE_TOKEN, { number: '07700 900555', windowStart: new Date(start).toISOString(), windowEnd: new Date(start + 3_600_000).toISOString() });
  };
  const without = await book(EXAMPLE_YAML.replace(/provider: \{ kind: twilio[^}]*\}/, `provider: { kind: jambonz, accountSid: ${ACCOUNT}, apiKey: 5b1e3c2d-6e7f-4a81-9bac-1d2e3f4a5b01, webhookSecret: ${SECRET} }`));
  t.equal(without.status, 409, 'without ttsVendor and voice no call-back can be booked (nor is one offered)');
  t.match(without.body.detail, /not set up to place call-backs/);
  const withSpeech = await book(EXAMPLE_YAML.replace(/provider: \{ kind: twilio[^}]*\}/, `provider: { kind: jambonz, accountSid: ${ACCOUNT}, apiKey: 5b1e3c2d-6e7f-4a81-9bac-1d2e3f4a5b01, webhookSecret: ${SECRET}, ttsVendor: google }\n    voice: en-GB-Wavenet-A`));
  t.equal(withSpeech.status, 201, 'with them, it can');
});
