import t from 'tap';
import twilio from 'twilio';
import { TwilioSignatureCheck, twilioSignature } from '../../../../shared/providers/twilio/signature.js';
import { renderTwiml } from '../../../../shared/providers/twilio/twiml.js';
import { dialOutcome } from '../../../../shared/providers/twilio/webhook.js';
import { exampleDirectory } from '../../../fixtures/directories.js';

t.test('signatures agree with the official twilio package', async (t) => {
  const cases: [string, Record<string, string | string[]>][] = [
    ['https://sb.example.nhs.uk/v1/twilio/voice', { CallSid: 'CA1', AccountSid: 'AC1', From: '+447700900123', To: '+441375100001' }],
    ['https://sb.example.nhs.uk/v1/twilio/wait?practice=F81001', { CallSid: 'CA1', Digits: '1', Caller: '+44 (0) 7700 900123 & co' }],
    ['https://sb.example.nhs.uk:8443/v1/twilio/status', { CallStatus: 'completed', Multi: ['b', 'a', 'b'] }],
    ['https://sb.example.nhs.uk/v1/twilio/status', {}],
  ];
  const check = new TwilioSignatureCheck();
  for (const [url, params] of cases) {
    const official = twilio.getExpectedTwilioSignature('s3cret-token', url, params);
    t.equal(twilioSignature('s3cret-token', url, params), official, url);
    // Not remembered (any webhook but the wait loop), then twice remembered: worked out, then from memory.
    for (const remember of [false, true, true]) {
      t.ok(check.isValid('s3cret-token', official, url, params, remember), `${url}, remembered: ${remember}`);
      t.notOk(check.isValid('other-token', official, url, params, remember));
      t.notOk(check.isValid('s3cret-token', official, `${url}x`, params, remember));
      t.notOk(check.isValid('s3cret-token', `${official.slice(1)}A`, url, params, remember));
    }
  }
  t.notOk(check.isValid('s3cret-token', undefined, cases[0]![0], cases[0]![1]));
});

t.test('a remembered signature is only ever the one for the same request and token', async (t) => {
  let now = 0;
  const check = new TwilioSignatureCheck({ maxEntries: 3, maxAgeMs: 60_000, now: () => now });
  const url = 'https://sb.example.nhs.uk/v1/twilio/wait?practice=F81001';
  const params = (n: number) => ({ CallSid: `CA${n}`, AccountSid: 'AC1', From: '+447700900123' });
  const signed = (n: number, token = 's3cret-token') => twilio.getExpectedTwilioSignature(token, url, params(n));
  const valid = (n: number, token = 's3cret-token', signature = signed(n, token)) => check.isValid(token, signature, url, params(n), true);

  t.notOk(check.isValid('s3cret-token', 'forged', url, params(1), true), 'an unsigned request is refused');
  t.equal(check.size, 0, 'and not remembered');
  t.ok(check.isValid('s3cret-token', signed(1), url, params(1), false));
  t.equal(check.size, 0, 'a request that does not repeat is not remembered');
  t.ok(valid(1));
  t.equal(check.size, 1);
  t.notOk(check.isValid('s3cret-token', signed(1), url, { ...params(1), Digits: '1' }, true), 'one field more is another request');
  t.notOk(check.isValid('s3cret-token', signed(1), url, params(2), true), "another call's request with the first's signature");
  // The practice's auth token changed (a directory reload): the old signature no longer passes.
  t.notOk(valid(1, 'new-token', signed(1)));
  t.ok(valid(1, 'new-token'));
  t.equal(check.size, 1, 'one request, remembered under its new token');

  // At most three, the oldest forgotten first; each for at most a minute.
  now = 10_000;
  for (const n of [2, 3]) t.ok(valid(n));
  t.equal(check.size, 3);
  now = 20_000;
  t.ok(valid(4));
  t.equal(check.size, 3, 'bounded');
  t.ok(valid(1, 'new-token'), 'the oldest (the first call) was forgotten and is worked out again');
  t.equal(check.size, 3);
  now = 75_000;
  t.notOk(check.isValid('s3cret-token', 'forged', url, params(9), true), 'any request that comes...');
  t.equal(check.size, 2, '...finds the one verified over a minute ago forgotten, and the two verified 55 s ago kept');
});

t.test('the last remembered signatures are forgotten when their time is up, with no request to prompt it', async (t) => {
  const check = new TwilioSignatureCheck({ maxEntries: 10, maxAgeMs: 50 });
  const url = 'https://sb.example.nhs.uk/v1/twilio/wait?practice=F81001';
  const params = { CallSid: 'CA1', AccountSid: 'AC1', From: '+447700900123' };
  t.ok(check.isValid('s3cret-token', twilio.getExpectedTwilioSignature('s3cret-token', url, params), url, params, true));
  t.equal(check.size, 1);
  while (check.size > 0) await new Promise((resolve) => setImmediate(resolve));
  t.equal(check.size, 0, 'forgotten by its own timer');
});

t.test('TwiML rendering', async (t) => {
  const practice = exampleDirectory().practice('F81001')!;
  const ctx = { publicUrl: 'https://sb.example', practice, providerCallId: 'CA9' };
  const xml = renderTwiml(
    [
      { verb: 'say', text: 'Dr Smith & "partners" <surgery>' },
      { verb: 'pause', seconds: 30 },
      { verb: 'play', url: 'https://audio.example/hold.mp3' },
      { verb: 'redirect', next: { step: 'wait' } },
    ],
    ctx,
  );
  t.equal(xml, '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="en-GB">Dr Smith &amp; &quot;partners&quot; &lt;surgery&gt;</Say><Pause length="30"/><Play>https://audio.example/hold.mp3</Play><Redirect method="POST">https://sb.example/v1/twilio/wait?practice=F81001</Redirect></Response>');
  const dial = (endpoint: string) => renderTwiml([{ verb: 'dial', endpoint, timeoutSeconds: 20, onAnswer: { step: 'staff-answered', staffId: 'alice' }, onEnd: { step: 'dial-result', staffId: 'alice' } }, { verb: 'hangup' }], ctx);
  t.match(dial('sip:alice@riverside.example'), '<Dial action="https://sb.example/v1/twilio/dial-result?practice=F81001&amp;staff=alice" method="POST" timeout="20"><Sip statusCallbackEvent="answered" statusCallback="https://sb.example/v1/twilio/staff-answered?practice=F81001&amp;staff=alice&amp;call=CA9" statusCallbackMethod="POST">sip:alice@riverside.example</Sip></Dial><Hangup/>');
  t.match(dial('+441375100099'), '<Number statusCallbackEvent="answered"');
  t.match(dial('client:dev'), '>dev</Client>');
});

t.test('DialCallStatus', async (t) => {
  t.equal(dialOutcome('completed'), 'answered');
  t.equal(dialOutcome('answered'), 'answered');
  t.equal(dialOutcome('no-answer'), 'no-answer');
  t.equal(dialOutcome('busy'), 'busy');
  t.equal(dialOutcome('failed'), 'failed');
  t.equal(dialOutcome('canceled'), 'connect-failed', 'a cancelled dial is nobody failing to answer');
  t.equal(dialOutcome(undefined), 'failed');
});
