import t from 'tap';
import jambonzClient from '@jambonz/node-client';
import { parseDirectory } from '../../../../shared/directory/load.js';
import type { Instruction } from '../../../../shared/callflow/instructions.js';
import { connectUrl, openConnect } from '../../../../shared/providers/jambonz/connect.js';
import { JambonzLiveCalls } from '../../../../shared/providers/jambonz/rest.js';
import { checkJambonzSignature, jambonzSignatureHeader } from '../../../../shared/providers/jambonz/signature.js';
import { jambonzBasePath, renderVerbs } from '../../../../shared/providers/jambonz/verbs.js';
import { asE164, dialOutcome } from '../../../../shared/providers/jambonz/webhook.js';
import { FakeJambonz, FakeJambonzCall, validateVerbs } from '../../../fakes/jambonz.js';
import { EXAMPLE_YAML } from '../../../fixtures/directories.js';

const ACCOUNT = '4a0f2b1c-5d6e-4f70-8a9b-0c1d2e3f4a01';
const API_KEY = '5b1e3c2d-6e7f-4a81-9bac-1d2e3f4a5b01';
const practiceWith = (extra = '') =>
  parseDirectory(EXAMPLE_YAML.replace(/provider: \{ kind: twilio[^}]*\}/, `provider: { kind: jambonz, accountSid: ${ACCOUNT}, apiKey: ${API_KEY}, webhookSecret: wh_secret_riverside${extra} }`), 'jambonz').practice('F81001')!;

t.test("signatures: what @jambonz/node-client's verifier accepts, we accept; and the reverse", async (t) => {
  const verify = jambonzClient.WebhookResponse.verifyJambonzSignature('wh_secret_riverside');
  const official = (header: string | undefined, body: unknown) => {
    try {
      verify({ get: () => header, body, url: '/v1/jambonz/call' }, {}, () => undefined);
      return true;
    } catch {
      return false;
    }
  };
  const body = { call_sid: 'e35d4edf-efd2-424c-8667-0a1b2c3d4e5f', account_sid: ACCOUNT, from: '+447700900123', to: '441375100001', call_status: 'trying', customerData: { note: 'naïve "quotes" & ünïcode' } };
  const raw = JSON.stringify(body);
  const now = Math.floor(Date.now() / 1000);
  const cases: [string, string | undefined, string][] = [
    ['fresh', jambonzSignatureHeader('wh_secret_riverside', raw, now), 'valid'],
    ['299 s old', jambonzSignatureHeader('wh_secret_riverside', raw, now - 299), 'valid'],
    ['301 s old', jambonzSignatureHeader('wh_secret_riverside', raw, now - 301), 'stale'],
    ['another secret', jambonzSignatureHeader('wh_secret_grays', raw, now), 'wrong'],
    ['missing', undefined, 'missing'],
    ['no timestamp', `v1=${jambonzSignatureHeader('wh_secret_riverside', raw, now).split('v1=')[1]}`, 'wrong'],
  ];
  for (const [name, header, expected] of cases) {
    t.equal(checkJambonzSignature('wh_secret_riverside', header, raw, now), expected, name);
    t.equal(official(header, body), expected === 'valid', `node-client agrees: ${name}`);
  }
  t.equal(checkJambonzSignature('wh_secret_riverside', jambonzSignatureHeader('wh_secret_riverside', raw, now + 301), raw, now), 'stale', 'a time too far ahead is not trusted either');
  t.equal(checkJambonzSignature('wh_secret_riverside', jambonzSignatureHeader('wh_secret_riverside', raw, now), raw.replace('trying', 'ringing'), now), 'wrong', 'the body is what is signed');
  const rotated = `t=${now},v1=${'0'.repeat(64)},v1=${jambonzSignatureHeader('wh_secret_riverside', raw, now).split('v1=')[1]}`;
  t.equal(checkJambonzSignature('wh_secret_riverside', rotated, raw, now), 'valid', 'any one of several v1 signatures may match');
});

t.test('verbs: rendered to specs.json, with hooks relative to the public URL', async (t) => {
  const practice = practiceWith();
  t.equal(jambonzBasePath('https://sb.example.nhs.uk'), '/v1/jambonz');
  t.equal(jambonzBasePath('https://sb.example.nhs.uk/switchboard/'), '/switchboard/v1/jambonz', "PUBLIC_URL's path is kept");
  const dial = (endpoint: string): Instruction => ({ verb: 'dial', endpoint, timeoutSeconds: 20, onAnswer: { step: 'staff-answered', staffId: 'alice' }, onEnd: { step: 'dial-result', staffId: 'alice' } });
  const verbs = renderVerbs(
    [
      { verb: 'say', text: 'Dr Smith & "partners"' },
      { verb: 'pause', seconds: 29.6 },
      { verb: 'play', url: 'https://audio.example/hold.mp3' },
      { verb: 'redirect', next: { step: 'wait' } },
      dial('sip:alice@riverside.example'),
      dial('+441375100099'),
      dial('client:dev'),
      { verb: 'hangup' },
    ],
    { basePath: '/v1/jambonz', practice },
  );
  t.same(verbs, [
    { verb: 'say', text: 'Dr Smith & "partners"' },
    { verb: 'pause', length: 30 },
    { verb: 'play', url: 'https://audio.example/hold.mp3' },
    { verb: 'redirect', actionHook: '/v1/jambonz/wait?practice=F81001' },
    { verb: 'dial', target: [{ type: 'sip', sipUri: 'sip:alice@riverside.example' }], timeout: 20, actionHook: '/v1/jambonz/dial-result?practice=F81001&staff=alice', confirmHook: '/v1/jambonz/staff-answered?practice=F81001&staff=alice' },
    { verb: 'dial', target: [{ type: 'phone', number: '+441375100099' }], timeout: 20, actionHook: '/v1/jambonz/dial-result?practice=F81001&staff=alice', confirmHook: '/v1/jambonz/staff-answered?practice=F81001&staff=alice' },
    { verb: 'dial', target: [{ type: 'user', name: 'dev' }], timeout: 20, actionHook: '/v1/jambonz/dial-result?practice=F81001&staff=alice', confirmHook: '/v1/jambonz/staff-answered?practice=F81001&staff=alice' },
    { verb: 'hangup' },
  ]);
  t.doesNotThrow(() => validateVerbs(verbs), 'valid by @jambonz/verb-specifications');
  const withVendor = renderVerbs([{ verb: 'say', text: 'Hello.' }], { basePath: '/v1/jambonz', practice: { ...practiceWith(', ttsVendor: google'), voice: 'en-GB-Neural2-A' } });
  t.same(withVendor, [{ verb: 'say', text: 'Hello.', synthesizer: { vendor: 'google', language: 'en-GB', voice: 'en-GB-Neural2-A' } }], "a vendor carries the practice's language and voice");
  t.doesNotThrow(() => validateVerbs(withVendor));
  t.throws(() => validateVerbs([{ verb: 'say', text: 'x', synthesizer: { language: 'en-GB' } }]), /missing value for vendor/, 'which is why no vendor means no synthesizer');
});

t.test('keypad prompts: one nested prompt, pauses listened through, hold music after the words', async (t) => {
  const practice = practiceWith();
  const ctx = { basePath: '/v1/jambonz', practice };
  const offer = (hold: Instruction & ({ verb: 'pause' } | { verb: 'play' })): Instruction => ({
    verb: 'gather', numDigits: 1, timeoutSeconds: 1, next: { step: 'callback-offer' }, prompt: [{ verb: 'say', text: 'You are number 2.' }, { verb: 'say', text: 'Press 1.' }, hold],
  });
  const silent = renderVerbs([offer({ verb: 'pause', seconds: 30 })], ctx);
  t.same(silent, [{ verb: 'gather', input: ['digits'], numDigits: 1, timeout: 31, actionHook: '/v1/jambonz/callback-offer?practice=F81001', say: { text: 'You are number 2. Press 1.' } }], 'the hold pause is time listened after the words');
  const music = renderVerbs([offer({ verb: 'play', url: 'https://audio.example/hold.mp3' })], ctx);
  t.same(music, [
    { verb: 'say', text: 'You are number 2. Press 1.' },
    { verb: 'gather', input: ['digits'], numDigits: 1, timeout: 1, actionHook: '/v1/jambonz/callback-offer?practice=F81001', play: { url: 'https://audio.example/hold.mp3' } },
  ], 'hold music cannot be nested with words: they go just before it');
  const keyed = renderVerbs([{ verb: 'gather', numDigits: 13, finishOnKey: '#', timeoutSeconds: 10, next: { step: 'callback-number', tries: 2 }, prompt: [{ verb: 'say', text: 'Key it in.' }] }], ctx);
  t.match(keyed, [{ verb: 'gather', numDigits: 13, finishOnKey: '#', actionHook: '/v1/jambonz/callback-number?practice=F81001&tries=2' }]);
  for (const v of [silent, music, keyed]) t.doesNotThrow(() => validateVerbs(v), 'valid by @jambonz/verb-specifications');
});

t.test('dial results: jambonz gives no duration, and a caller who left is nobody failing to answer', async (t) => {
  t.equal(dialOutcome({ dial_call_status: 'completed', call_status: 'in-progress' }), 'answered');
  t.equal(dialOutcome({ dial_call_status: 'completed', call_status: 'completed' }), 'answered', 'the caller hung up on staff: still a conversation');
  t.equal(dialOutcome({ dial_call_status: 'no-answer', call_status: 'in-progress' }), 'no-answer');
  t.equal(dialOutcome({ dial_call_status: 'no-answer', call_status: 'completed' }), 'connect-failed', 'the caller hung up while it rang (487)');
  t.equal(dialOutcome({ dial_call_status: 'busy', call_status: 'in-progress' }), 'busy');
  t.equal(dialOutcome({ dial_call_status: 'failed', call_status: 'in-progress' }), 'failed');
  t.equal(dialOutcome({ call_status: 'in-progress' }), 'failed');
  t.equal(asE164('441375100001'), '+441375100001', 'a number without its +');
  t.equal(asE164('+441375100001'), '+441375100001');
  t.equal(asE164(undefined), '');
});

t.test('connect hooks are sealed for one call', async (t) => {
  const practice = practiceWith();
  const instructions: Instruction[] = [{ verb: 'say', text: 'Putting you through now.' }, { verb: 'hangup' }];
  const url = new URL(connectUrl('/v1/jambonz', practice, 'call-1', instructions), 'http://x');
  t.equal(url.pathname, '/v1/jambonz/connect');
  const [payload, seal] = [url.searchParams.get('do')!, url.searchParams.get('seal')!];
  t.same(openConnect(practice, 'call-1', payload, seal), instructions);
  t.equal(openConnect(practice, 'call-2', payload, seal), undefined, 'not for another call');
  t.equal(openConnect(practice, 'call-1', Buffer.from(JSON.stringify([{ verb: 'hangup' }])).toString('base64url'), seal), undefined, 'not with other instructions');
  t.equal(openConnect({ ...practice, provider: { ...practice.provider, webhookSecret: 'another' } as typeof practice.provider }, 'call-1', payload, seal), undefined, "not under another practice's secret");
});

t.test('live-call updates: 404 and 422 mean the caller has gone, a bad key is an error', async (t) => {
  const fake = await new FakeJambonz().start();
  t.teardown(() => fake.stop());
  const practice = practiceWith();
  const app = { accountSid: ACCOUNT, apiKey: API_KEY, webhookSecret: 'wh_secret_riverside', callHook: 'http://127.0.0.1:9/v1/jambonz/call', callStatusHook: 'http://127.0.0.1:9/v1/jambonz/status' };
  fake.addNumber('+441375100001', app);
  const ended = new FakeJambonzCall('ended-call', '+447700900001', '+441375100001', app);
  ended.status = 'completed';
  fake.calls.set(ended.sid, ended);
  const live = new JambonzLiveCalls(fake.url, 'https://sb.example.nhs.uk');
  const say: Instruction[] = [{ verb: 'hangup' }];
  t.equal(await live.redirect({ practice, callId: 'jambonz:nope', providerCallId: 'nope' }, say), 'gone', 'unknown call: 404');
  t.equal(await live.redirect({ practice, callId: 'jambonz:ended-call', providerCallId: 'ended-call' }, say), 'gone', 'ended call: 422');
  t.same(fake.restRequests.map((r) => r.status), [404, 422]);
  t.match(fake.restRequests[1], { path: `/v1/Accounts/${ACCOUNT}/Calls/ended-call`, body: { call_hook: { url: /^\/v1\/jambonz\/connect\?practice=F81001&do=/, method: 'POST' } } });
  const wrongKey = { ...practice, provider: { ...practice.provider, apiKey: '00000000-0000-4000-8000-000000000000' } as typeof practice.provider };
  await t.rejects(live.redirect({ practice: wrongKey, callId: 'jambonz:ended-call', providerCallId: 'ended-call' }, say), { status: 401, message: 'jambonz API 401: invalid api key' });
});
