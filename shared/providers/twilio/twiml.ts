import type { Practice } from '../../directory/types.js';
import { stepQuery, type Instruction, type Step } from '../../callflow/instructions.js';

/** Where Twilio should request a step: absolute, because TwiML sent through the Calls API has no base URL. */
export function twilioStepUrl(publicUrl: string, practice: Practice, providerCallId: string, next: Step): string {
  const q = stepQuery(practice.ods, next);
  // The staff leg's answered callback names the staff leg; the caller's call is this one.
  if (next.step === 'staff-answered') q.set('call', providerCallId);
  return `${publicUrl}/v1/twilio/${next.step}?${q}`;
}

export function renderTwiml(instructions: Instruction[], ctx: { publicUrl: string; practice: Practice; providerCallId: string }): string {
  const url = (step: Step) => escapeXml(twilioStepUrl(ctx.publicUrl, ctx.practice, ctx.providerCallId, step));
  const sayAttrs = `language="${escapeXml(ctx.practice.language)}"${ctx.practice.voice ? ` voice="${escapeXml(ctx.practice.voice)}"` : ''}`;
  const render = (i: Instruction): string => {
    switch (i.verb) {
      case 'say':
        return `<Say ${sayAttrs}>${escapeXml(i.text)}</Say>`;
      case 'play':
        return `<Play>${escapeXml(i.url)}</Play>`;
      case 'pause':
        return `<Pause length="${Math.max(1, Math.round(i.seconds))}"/>`;
      case 'redirect':
        return `<Redirect method="POST">${url(i.next)}</Redirect>`;
      case 'dial': {
        const answered = `statusCallbackEvent="answered" statusCallback="${url(i.onAnswer)}" statusCallbackMethod="POST"`;
        const callerId = i.callerId ? ` callerId="${escapeXml(i.callerId)}"` : '';
        // Both parties from the answer, one channel each; the recording's sid comes with its in-progress event.
        const record = i.record ? ` record="record-from-answer-dual" recordingStatusCallback="${url(i.record.onStatus)}" recordingStatusCallbackMethod="POST" recordingStatusCallbackEvent="in-progress completed absent"` : '';
        return `<Dial action="${url(i.onEnd)}" method="POST" timeout="${i.timeoutSeconds}"${callerId}${record}>${dialNoun(i.endpoint, answered)}</Dial>`;
      }
      case 'gather':
        // actionOnEmptyResult: the flow is asked again when nothing was pressed, to count attempts;
        // finishOnKey="" unless asked for: # and * are menu keys, not "end of input".
        return `<Gather input="dtmf" numDigits="${i.numDigits}" timeout="${i.timeoutSeconds}" finishOnKey="${escapeXml(i.finishOnKey ?? '')}" actionOnEmptyResult="true" action="${url(i.next)}" method="POST">${i.prompt.map(render).join('')}</Gather>`;
      case 'transfer':
        return `<Dial>${dialNoun(i.number, '')}</Dial>`;
      case 'hangup':
        return '<Hangup/>';
    }
  };
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${instructions.map(render).join('')}</Response>`;
}

function dialNoun(endpoint: string, attrs: string): string {
  const open = (tag: string) => (attrs ? `<${tag} ${attrs}>` : `<${tag}>`);
  if (/^sips?:/.test(endpoint)) return `${open('Sip')}${escapeXml(endpoint)}</Sip>`;
  if (endpoint.startsWith('client:')) return `${open('Client')}${escapeXml(endpoint.slice('client:'.length))}</Client>`;
  return `${open('Number')}${escapeXml(endpoint)}</Number>`;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}
