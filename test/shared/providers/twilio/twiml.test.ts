import t from 'tap';
import { renderTwiml } from '../../../../shared/providers/twilio/twiml.js';
import { pcnDirectory } from '../../../fixtures/directories.js';

t.test('a menu renders as <Gather input="dtmf"> that always comes back, a transfer as a plain <Dial>', async (t) => {
  const practice = pcnDirectory().practice('F81001')!;
  const xml = renderTwiml(
    [
      { verb: 'gather', prompt: [{ verb: 'say', text: 'For appointments press 1.' }], numDigits: 1, timeoutSeconds: 6, next: { step: 'menu', path: '4', attempt: 2 } },
      { verb: 'transfer', number: '+441375200000' },
    ],
    { publicUrl: 'https://sb.example', practice, providerCallId: 'CA1' },
  );
  t.equal(
    xml,
    '<?xml version="1.0" encoding="UTF-8"?><Response>' +
      '<Gather input="dtmf" numDigits="1" timeout="6" finishOnKey="" actionOnEmptyResult="true" action="https://sb.example/v1/twilio/menu?practice=F81001&amp;path=4&amp;attempt=2" method="POST">' +
      '<Say language="en-GB">For appointments press 1.</Say></Gather>' +
      '<Dial><Number>+441375200000</Number></Dial></Response>',
  );
});

t.test("a dial's record: both parties from the answer, two channels, its events to the recording-status URL", async (t) => {
  const practice = pcnDirectory().practice('F81001')!;
  const dial = { verb: 'dial' as const, endpoint: '+447700900123', timeoutSeconds: 20, onAnswer: { step: 'staff-answered' as const, staffId: 'alice' }, onEnd: { step: 'dial-result' as const, staffId: 'alice' } };
  const plain = renderTwiml([dial], { publicUrl: 'https://sb.example', practice, providerCallId: 'CA1' });
  t.notMatch(plain, /record/, 'no record unless asked');
  const recorded = renderTwiml([{ ...dial, record: { onStatus: { step: 'recording-status', callId: 'twilio:CA1' } } }], { publicUrl: 'https://sb.example', practice, providerCallId: 'CA1' });
  t.match(recorded, '<Dial action="https://sb.example/v1/twilio/dial-result?practice=F81001&amp;staff=alice" method="POST" timeout="20" record="record-from-answer-dual" recordingStatusCallback="https://sb.example/v1/twilio/recording-status?practice=F81001&amp;rec=twilio%3ACA1" recordingStatusCallbackMethod="POST" recordingStatusCallbackEvent="in-progress completed absent">');
});
