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
