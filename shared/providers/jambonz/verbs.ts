import { stepQuery, type Instruction, type Step } from '../../callflow/instructions.js';
import type { JambonzAccount, Practice } from '../../directory/types.js';
import { callbackSeal } from './connect.js';

/** A jambonz verb as its JSON document holds it (@jambonz/verb-specifications specs.json). */
export type JambonzVerb = { verb: string } & Record<string, unknown>;

/**
 * The path our jambonz routes live under: PUBLIC_URL's own path, if any, then /v1/jambonz.
 * Hooks are '/'-relative, which jambonz resolves against the scheme, host and port of the
 * application's call hook, so they reach whichever address the practice configured.
 */
export function jambonzBasePath(publicUrl: string): string {
  return `${new URL(publicUrl).pathname.replace(/\/+$/, '')}/v1/jambonz`;
}

export function jambonzStepUrl(basePath: string, practice: Practice, next: Step): string {
  const q = stepQuery(practice.ods, next);
  // jambonz signs bodies, not URLs, and an outbound call's id is not known when its hooks are made:
  // a call-back leg's hook carries a seal of what it names.
  if ('callbackId' in next) q.set('seal', callbackSeal(practice, next.step, next.callbackId, next.staffId));
  return `${basePath}/${next.step}?${q}`;
}

export function jambonzAccount(practice: Practice): JambonzAccount {
  if (practice.provider.kind !== 'jambonz') throw new Error(`practice ${practice.ods} is not on jambonz`);
  return practice.provider;
}

/** The dial target for a staff endpoint: a number, a SIP URI, or a user registered with jambonz. */
export function dialTarget(endpoint: string): Record<string, string> {
  if (/^sips?:/.test(endpoint)) return { type: 'sip', sipUri: endpoint };
  if (endpoint.startsWith('client:')) return { type: 'user', name: endpoint.slice('client:'.length) };
  return { type: 'phone', number: endpoint };
}

/**
 * The flow's instructions as a jambonz verb array. The staff leg's answer is reported by the
 * dial's confirmHook (jambonz runs it on the answered leg before bridging; it gets `[]` back).
 */
export function renderVerbs(instructions: Instruction[], ctx: { basePath: string; practice: Practice }): JambonzVerb[] {
  const url = (step: Step) => jambonzStepUrl(ctx.basePath, ctx.practice, step);
  const { ttsVendor } = jambonzAccount(ctx.practice);
  // `synthesizer` requires a vendor; without one the jambonz application's speech settings apply.
  const synthesizer = ttsVendor ? { synthesizer: { vendor: ttsVendor, language: ctx.practice.language, ...(ctx.practice.voice ? { voice: ctx.practice.voice } : {}) } } : {};
  const render = (i: Instruction): JambonzVerb | JambonzVerb[] => {
    switch (i.verb) {
      case 'say':
        return { verb: 'say', text: i.text, ...synthesizer };
      case 'play':
        return { verb: 'play', url: i.url };
      case 'pause':
        return { verb: 'pause', length: Math.max(1, Math.round(i.seconds)) };
      case 'redirect':
        return { verb: 'redirect', actionHook: url(i.next) };
      case 'dial':
        // `record` is not rendered: jambonz's dial cannot record from the answer, so the recording is
        // started through the REST API once the confirmHook reports it (JambonzRecordings).
        return { verb: 'dial', target: [dialTarget(i.endpoint)], ...(i.callerId ? { callerId: i.callerId } : {}), timeout: i.timeoutSeconds, actionHook: url(i.onEnd), confirmHook: url(i.onAnswer) };
      case 'gather': {
        // jambonz nests one prompt in a gather, say or play, and starts its timeout when that ends:
        // the spoken parts are joined, and pauses become time listened in silence. Audio alongside
        // speech (hold music after an announcement) cannot be nested too: it plays as the gather's
        // prompt, the speech going just before it (keys count from the music on).
        const text = i.prompt.flatMap((p) => (p.verb === 'say' ? [p.text] : [])).join(' ');
        const audio = i.prompt.find((p) => p.verb === 'play');
        const silence = i.prompt.reduce((s, p) => s + (p.verb === 'pause' ? p.seconds : 0), 0);
        const say = text ? { say: { text, ...synthesizer } } : undefined;
        const gather: JambonzVerb = {
          verb: 'gather',
          input: ['digits'],
          numDigits: i.numDigits,
          ...(i.finishOnKey ? { finishOnKey: i.finishOnKey } : {}),
          timeout: i.timeoutSeconds + Math.round(silence),
          actionHook: url(i.next),
          ...(audio?.verb === 'play' ? { play: { url: audio.url } } : say),
        };
        return say && audio ? [{ verb: 'say', ...say.say }, gather] : gather;
      }
      case 'transfer':
        return { verb: 'dial', target: [dialTarget(i.number)] };
      case 'hangup':
        return { verb: 'hangup' };
    }
  };
  return instructions.flatMap(render);
}
