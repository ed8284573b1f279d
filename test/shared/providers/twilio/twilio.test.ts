import t from 'tap';
import twilio from 'twilio';
import { isValidTwilioSignature, twilioSignature } from '../../../../shared/providers/twilio/signature.js';
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
  for (const [url, params] of cases) {
    const official = twilio.getExpectedTwilioSignature('s3cret-token', url, params);
    t.equal(twilioSignature('s3cret-token', url, params), official, url);
    t.ok(isValidTwilioSignature('s3cret-token', official, url, params));
    t.notOk(isValidTwilioSignature('other-token', official, url, params));
    t.notOk(isValidTwilioSignature('s3cret-token', official, `${url}x`, params));
  }
  t.notOk(isValidTwilioSignature('s3cret-token', undefined, cases[0]![0], cases[0]![1]));
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
