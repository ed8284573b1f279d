/**
 * A fake jambonz for tests: a feature server that drives Switchboard as jambonz-feature-server
 * does, and the REST API's live-call update. Webhooks are signed JSON (Jambonz-Signature over the
 * exact body), only 200/202/204 count and a body is read only when it is application/json. Every
 * verb array is validated with @jambonz/verb-specifications, as the feature server does, so an
 * unknown property fails the call. Verbs: say, play, pause, redirect (a non-empty answer replaces
 * the list, anything else carries on), dial (confirmHook on the answered staff leg, whose status
 * changes go to the call-status hook with parent_call_sid; actionHook with dial_call_status and no
 * duration, posted even when the caller hung up or a live update replaced the dial, whose answer
 * is then ignored), gather (digits only: the nested say or play, then `timeout` seconds listening;
 * the keys a test scripts, as for the Twilio emulator; actionHook with `digits`, or reason `timeout`),
 * hangup; the end of the list hangs up. Relative hooks must start with '/'.
 * The REST API creates calls as jambonz-api-server and the feature server do (POST
 * /v1/Accounts/{sid}/Calls, validated as validateCreateCall validates it; 201 {sid}): the `to` rings
 * with the behaviour set for it, statuses go to call_status_hook, and once answered call_hook is
 * requested (with the call's speech `defaults`) and its verbs run. GET of a call returns its
 * information (call_status) while it is kept, 404 otherwise; a call's `finalStatusLost` drops its
 * final call-status webhook.
 * Cloud recording as the feature server and api-server do it: the update-call `record` action
 * (start, pause, resume, stop; `type: cloud`, else 400 without a siprecServerURL), the audio
 * uploaded when the call ends as YYYY/MM/DD/<call_sid>.mp3, and RecentCalls/{sid}/record/{y}/{m}/{d}/{format}
 * to GET (404 when there is none) and DELETE (204 whether or not the object was there, as S3).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import specifications from '@jambonz/verb-specifications';
import { jambonzSignatureHeader } from '../../shared/providers/jambonz/signature.js';
import { FakeNetwork, FakeRecording, PhoneCall, sleep, staffLegEnds } from '../../loadtest/emulator/phone.js';

export interface FakeApplication {
  accountSid: string;
  apiKey: string;
  webhookSecret: string;
  /** Absolute: relative hooks resolve against its scheme, host and port. */
  callHook: string;
  callStatusHook: string;
}

export type JambonzVerb = { verb: string } & Record<string, unknown>;
type Hook = string | { url: string; method?: string };

export interface JambonzWebhookLog {
  url: string;
  payload: Record<string, unknown>;
  status: number;
  body: string;
  ms: number;
}

export class FakeJambonzCall extends PhoneCall {
  readonly callId = randomUUID();

  constructor(
    sid: string,
    from: string,
    to: string,
    readonly app: FakeApplication,
    readonly direction: 'inbound' | 'outbound' = 'inbound',
  ) {
    super(sid, from, to);
    this.status = 'trying';
  }
}

/** A create-call `to`, as jambonz-api-server's validateTo accepts it; the endpoint it rings, as staff endpoints are written. */
function targetEndpoint(to: unknown): string | undefined {
  const t = (to ?? {}) as Record<string, unknown>;
  if ((t.type === 'phone' || t.type === 'teams') && typeof t.number === 'string') return t.number;
  if (t.type === 'user' && typeof t.name === 'string') return `client:${t.name}`;
  if (t.type === 'sip' && typeof t.sipUri === 'string') return t.sipUri;
  return undefined;
}

const SPEECH_SETTINGS = ['speech_synthesis_vendor', 'speech_synthesis_language', 'speech_synthesis_voice', 'speech_recognizer_vendor', 'speech_recognizer_language'];

/** Why jambonz would refuse this create-call body (400), or undefined (jambonz-api-server validateCreateCall, feature server createCallSchema). */
function createCallError(body: Record<string, unknown>): string | undefined {
  if (!body.from || typeof body.from !== 'string') return 'missing from parameter';
  if (!targetEndpoint(body.to)) return `missing or invalid to property: ${JSON.stringify(body.to)}`;
  // This fake has no applications: a call needs its own hooks and speech settings.
  if (body.application_sid) return `application_sid not found ${String(body.application_sid)}`;
  if (SPEECH_SETTINGS.some((k) => !body[k] || typeof body[k] !== 'string')) return `either application_sid or set of ${SPEECH_SETTINGS.join(', ')} required`;
  if (!body.call_hook) return 'either call_hook or application_sid required';
  for (const k of ['call_hook', 'call_status_hook']) {
    const hook = body[k];
    if (hook === undefined) continue;
    const url = typeof hook === 'string' ? hook : (hook as { url?: unknown }).url;
    if (typeof url !== 'string') return `${k} must be string or an object containing a url property`;
    if (!/^(https?|wss?):/.test(url)) return `${k} url be an absolute url`;
  }
  if (body.timeout !== undefined && !Number.isInteger(body.timeout)) return 'Invalid timeout';
  if (body.tag !== undefined && (typeof body.tag !== 'object' || body.tag === null)) return 'Invalid tag';
  return undefined;
}

/** As the feature server checks a document: an array of known verbs with known properties only. */
export function validateVerbs(json: unknown): JambonzVerb[] {
  if (!Array.isArray(json)) throw new Error('malformed jambonz payload: must be array');
  specifications.validate({ info() {}, debug() {}, error() {} }, json);
  return json as JambonzVerb[];
}

export class FakeJambonz extends FakeNetwork<FakeJambonzCall, FakeApplication> {
  readonly webhooks: JambonzWebhookLog[] = [];
  readonly restRequests: { path: string; body: Record<string, unknown>; status: number }[] = [];
  /** Calls created through POST /v1/Accounts/{sid}/Calls, in order. */
  readonly outbound: FakeJambonzCall[] = [];
  /** Cloud recordings by bucket key (kept after deletion, marked). */
  readonly recordings = new Map<string, FakeRecording>();

  /** A caller rings `to`, and will press `keys` at its gathers. Resolves once the call webhook has been answered. */
  async placeCall(from: string, to: string, keys: string[] = []): Promise<FakeJambonzCall> {
    const app = this.numbers.get(to);
    if (!app) throw new Error(`fake jambonz: no number ${to}`);
    const call = new FakeJambonzCall(randomUUID(), from, to, app);
    call.keys.push(...keys);
    const first = await this.hook(call, app.callHook, {});
    await this.beforeAnswer?.(call);
    // An answer that is not a non-empty verb array rejects the call (SIP 480).
    if (!first || first.length === 0) {
      call.errors.push('call rejected: the call hook returned no verbs');
      call.status = 'completed';
      return call;
    }
    this.calls.set(call.sid, call);
    call.status = 'in-progress';
    call.answeredAt = Date.now();
    void this.notify(call, {});
    void this.runApplication(call, first, call.control.signal);
    return call;
  }

  /** The caller puts the phone down: the status hook hears first, then the running verb is killed. */
  async hangUp(call: FakeJambonzCall): Promise<void> {
    if (call.over) return;
    call.hungUpByCaller = true;
    const done = this.complete(call, 'caller');
    call.endStaffLeg?.();
    call.control.abort();
    await done;
  }

  /** The member of staff ends the conversation; the caller's call carries on with the dial's actionHook. */
  staffHangsUp(call: FakeJambonzCall): void {
    if (!call.bridged) throw new Error(`call ${call.sid} is not bridged to staff`);
    call.endStaffLeg?.();
  }

  /** The call information jambonz sends, snake_case (CallInfo.toJSON through snakeCaseKeys). */
  private callInfo(call: FakeJambonzCall, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      call_sid: call.sid,
      direction: call.direction,
      from: call.from,
      // Inbound, the user part of the SIP request URI: carriers commonly send the number without
      // its '+'. Outbound, the `to` the call was created with.
      to: call.direction === 'inbound' ? call.to.replace(/^\+/, '') : call.to,
      call_id: call.callId,
      sip_status: call.status === 'trying' ? 100 : 200,
      sip_reason: call.status === 'trying' ? 'Trying' : 'OK',
      call_status: call.status,
      account_sid: call.app.accountSid,
      trace_id: '00000000000000000000000000000000',
      application_sid: '00000000-0000-4000-8000-00000000a991',
      fs_sip_address: '10.0.0.1:5060',
      ...extra,
    };
  }

  /** A signed POST, as the feature server's HttpRequestor makes it. */
  async post(url: string, payload: Record<string, unknown>, secret: string): Promise<{ status: number; body: string; json?: unknown }> {
    const raw = JSON.stringify(payload);
    const t0 = Date.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'jambonz-signature': jambonzSignatureHeader(secret, raw) }, body: raw, redirect: 'manual' });
    const body = await res.text();
    this.webhooks.push({ url, payload, status: res.status, body, ms: Date.now() - t0 });
    if (![200, 202, 204].includes(res.status)) throw new Error(`${res.status} from ${url}: ${body.slice(0, 200)}`);
    return { status: res.status, body, json: (res.headers.get('content-type') ?? '').includes('application/json') && body ? JSON.parse(body) : undefined };
  }

  private resolve(call: FakeJambonzCall, hook: Hook): string {
    const url = typeof hook === 'string' ? hook : hook.url;
    if (/^https?:\/\//.test(url)) return url;
    if (url.startsWith('/')) return new URL(call.app.callHook).origin + url;
    throw new Error(`cannot resolve hook ${url}: relative hooks must start with '/'`);
  }

  /** Requests a hook for the call; the verbs it answered with (validated), or undefined if none. */
  private async hook(call: FakeJambonzCall, hook: Hook, extra: Record<string, unknown>, payload = this.callInfo(call, extra)): Promise<JambonzVerb[] | undefined> {
    try {
      const { json } = await this.post(this.resolve(call, hook), payload, call.app.webhookSecret);
      return json === undefined ? undefined : validateVerbs(json);
    } catch (err) {
      call.errors.push(String(err));
      throw err;
    }
  }

  private notify(call: FakeJambonzCall, info: Record<string, unknown>): Promise<unknown> {
    return this.post(call.app.callStatusHook, { ...this.callInfo(call), ...info }, call.app.webhookSecret).catch(() => undefined);
  }

  private async runApplication(call: FakeJambonzCall, verbs: JambonzVerb[], signal: AbortSignal): Promise<void> {
    try {
      for (const verb of verbs) {
        if (signal.aborted || call.over) return;
        let next: JambonzVerb[] | undefined;
        switch (verb.verb) {
          case 'say':
            call.hear(String(verb.text));
            break;
          case 'play':
            call.hear(`[play ${String(verb.url)}]`);
            await sleep(10 * this.timeScale, signal);
            break;
          case 'gather': {
            if (!verb.actionHook) break;
            const results = await this.gather(call, verb, signal);
            if (signal.aborted || call.over) return;
            next = await this.hook(call, verb.actionHook as Hook, results);
            break;
          }
          case 'pause':
            await sleep(Number(verb.length) * this.timeScale, signal);
            break;
          case 'hangup':
            return await this.complete(call, 'jambonz');
          case 'redirect':
            next = await this.hook(call, verb.actionHook as Hook, {});
            break;
          case 'dial': {
            const results = await this.dial(call, verb, signal);
            const replaced = signal.aborted && !call.hungUpByCaller;
            if (!verb.actionHook) break;
            const answer = await this.hook(call, verb.actionHook as Hook, results);
            if (replaced || call.over) return; // a live update took over, or the caller had gone: the answer is ignored
            next = answer;
            break;
          }
          default:
            call.errors.push(`unsupported verb ${verb.verb}`);
        }
        if (signal.aborted) return;
        if (next && next.length > 0) return await this.runApplication(call, next, signal);
      }
      await this.complete(call, 'jambonz'); // the end of the list hangs up
    } catch (err) {
      if (!call.errors.includes(String(err))) call.errors.push(String(err));
      await this.complete(call, 'jambonz');
    }
  }

  /**
   * A digits gather: its nested say (heard at once) or play (10 s), keys pressed during it count;
   * with none, `timeout` seconds (default 15) of listening after it. Digits end at `finishOnKey`
   * (not included) or at `numDigits`.
   */
  private async gather(call: FakeJambonzCall, verb: JambonzVerb, signal: AbortSignal): Promise<Record<string, unknown>> {
    const say = verb.say as { text?: string } | undefined;
    const play = verb.play as { url?: string } | undefined;
    if (say?.text) call.hear(say.text);
    else if (play?.url) call.hear(`[play ${play.url}]`);
    call.menusHeard.push(say?.text ?? play?.url ?? '');
    const pressed = call.keys.shift() ?? '';
    const finish = typeof verb.finishOnKey === 'string' ? verb.finishOnKey : '';
    const typed = finish && pressed.includes(finish) ? pressed.slice(0, pressed.indexOf(finish)) : pressed;
    const digits = typed.slice(0, Number(verb.numDigits ?? 99));
    if (digits) return { digits, reason: 'dtmfDetected' };
    await sleep(((play && !say ? 10 : 0) + Number(verb.timeout ?? 15)) * this.timeScale, signal);
    return { reason: 'timeout' };
  }

  private async dial(call: FakeJambonzCall, verb: JambonzVerb, signal: AbortSignal): Promise<Record<string, unknown>> {
    const target = (verb.target as Record<string, string>[])[0]!;
    const endpoint = target.type === 'sip' ? target.sipUri! : target.type === 'user' ? `client:${target.name}` : target.number!;
    const timeoutS = Number(verb.timeout ?? 60);
    const behaviour = this.endpoints.get(endpoint) ?? { answer: 'answer' };
    const childSid = randomUUID();
    const child = (callStatus: string, extra: Record<string, unknown> = {}) =>
      this.notify(call, { call_sid: childSid, parent_call_sid: call.sid, direction: 'outbound', to: endpoint, call_status: callStatus, ...extra });
    const result = (status: string, sip: number) => ({ dial_call_status: status, dial_sip_status: sip, dial_call_sid: childSid, dial_sbc_callid: randomUUID() });
    /** The staff leg never connected: its last status goes to the status hook, the result to the actionHook. */
    const unconnected = (status: string, sip: number) => {
      void child(status, { sip_status: sip });
      return result(status, sip);
    };
    call.dialling = endpoint;
    try {
      void child('trying', { sip_status: 100 });
      if (behaviour.answer === 'busy') return unconnected('busy', 486);
      if (behaviour.answer === 'failed') return unconnected('failed', 503);
      await sleep(behaviour.answer === 'no-answer' ? timeoutS * this.timeScale : (behaviour.afterMs ?? 0), signal);
      // Rung out, or cancelled by the caller leaving or a live update: the INVITE is cancelled (487).
      if (behaviour.answer === 'no-answer' || signal.aborted) return unconnected('no-answer', 487);
      const answeredAt = Date.now();
      void child('in-progress', { sip_status: 200 });
      if (verb.confirmHook) {
        const info = { ...this.callInfo(call), call_sid: childSid, parent_call_sid: call.sid, direction: 'outbound', from: call.from, to: endpoint, call_status: 'in-progress', sip_status: 200 };
        const staffVerbs = await this.hook(call, verb.confirmHook as Hook, {}, info).catch(() => undefined);
        // The confirm application must answer with a verb array; anything else declines the leg.
        if (staffVerbs === undefined) {
          call.errors.push('confirmHook did not answer with a verb array: staff leg declined');
          void child('completed', { duration: 0 });
          return result('failed', 603);
        }
        if (signal.aborted) {
          void child('completed', { duration: 0 });
          return result('completed', 200);
        }
      }
      call.bridged = { endpoint, childSid, answeredAt };
      await staffLegEnds(call, signal);
      void child('completed', { duration: Math.round((Date.now() - answeredAt) / 1000) });
      return result('completed', 200);
    } finally {
      call.dialling = undefined;
      call.bridged = undefined;
      call.endStaffLeg = undefined;
    }
  }

  private async complete(call: FakeJambonzCall, by: 'caller' | 'jambonz'): Promise<void> {
    if (call.over) return;
    // The call's recording stops and its upload is finished.
    for (const r of this.recordings.values()) if (r.callSid === call.sid) r.stop();
    call.status = 'completed';
    call.control.abort();
    if (call.finalStatusLost) return;
    await this.notify(call, { call_status: 'completed', sip_status: 200, duration: Math.round((Date.now() - (call.answeredAt ?? Date.now())) / 1000), call_termination_by: by });
  }

  protected async handleRest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown> = {};
    try {
      body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>) : {};
    } catch {
      body = { unparseable: true };
    }
    const reply = (status: number, json?: unknown) => {
      this.restRequests.push({ path: req.url ?? '', body, status });
      res.writeHead(status, { 'content-type': 'application/json' }).end(json === undefined ? undefined : JSON.stringify(json));
    };
    const object = /^\/v1\/Accounts\/([^/]+)\/RecentCalls\/([^/]+)\/record\/(\d{4})\/(\d{2})\/(\d{2})\/(mp3|wav)$/.exec(req.url ?? '');
    if (object) return this.recordingObject(req.method ?? 'GET', object, req.headers.authorization, reply, res);
    const create = /^\/v1\/Accounts\/([^/]+)\/Calls$/.exec(req.url ?? '');
    if (req.method === 'POST' && create) return this.createCall(create[1]!, req.headers.authorization, body, reply);
    const m = /^\/v1\/Accounts\/([^/]+)\/Calls\/([^/]+)$/.exec(req.url ?? '');
    if (req.method === 'GET' && m) {
      // Retrieve a call (jambonz-api-server: the call's information from the realtime database, 404 when it has none).
      const [, account, sid] = m;
      const owner = [...this.numbers.values()].find((a) => a.accountSid === account);
      if (!owner || req.headers.authorization !== `Bearer ${owner.apiKey}`) return reply(401, { msg: 'invalid api key' });
      const call = this.calls.get(sid!);
      if (!call || call.app.accountSid !== account) return reply(404);
      return reply(200, this.callInfo(call));
    }
    if (req.method !== 'PUT' || !m) return reply(404, { msg: 'Not Found' });
    const [, account, sid] = m;
    const owner = [...this.numbers.values()].find((a) => a.accountSid === account);
    if (!owner || req.headers.authorization !== `Bearer ${owner.apiKey}`) return reply(401, { msg: 'invalid api key' });
    const actions = ['call_hook', 'child_call_hook', 'call_status', 'listen_status', 'mute_status', 'whisper', 'sip_request', 'record', 'conf_hold_status', 'conf_mute_status'].filter((k) => k in body);
    if (actions.length !== 1) return reply(400, { msg: 'exactly one of call_hook, call_status, ... must be given' });
    const call = this.calls.get(sid!);
    if (!call || call.app.accountSid !== account) return reply(404, { msg: 'call not found' });
    if (call.over) return reply(422, { msg: 'call session is gone' });
    if (body.call_status === 'completed') {
      reply(202);
      return void this.complete(call, 'jambonz');
    }
    if (body.record) return this.recordAction(call, body.record as Record<string, unknown>, reply);
    if (!body.call_hook) return reply(400, { msg: 'unsupported update' });
    const hook = body.call_hook as Hook;
    if (typeof hook !== 'string' && (typeof hook?.url !== 'string' || !['GET', 'POST', undefined].includes(hook.method))) return reply(400, { msg: 'invalid call_hook' });
    reply(202);
    // The new hook is fetched while the call carries on; only a non-empty answer replaces what it does.
    const verbs = await this.hook(call, hook, {}).catch(() => undefined);
    if (!verbs || verbs.length === 0 || call.over) return;
    call.control.abort();
    call.control = new AbortController();
    void this.runApplication(call, verbs, call.control.signal);
  }

  /**
   * The update-call `record` action (api-server validateUpdateCall, then the feature server's
   * notifyRecordOptions for `type: cloud`): start uploads to YYYY/MM/DD/<call_sid>.mp3 (today, UTC);
   * pause, resume and stop act only on a recording under way; 202 either way.
   */
  private recordAction(call: FakeJambonzCall, record: Record<string, unknown>, reply: (status: number, json?: unknown) => void): void {
    const actions = ['startCallRecording', 'stopCallRecording', 'pauseCallRecording', 'resumeCallRecording'];
    if (!actions.includes(String(record.action))) return reply(400, { msg: 'record requires action property' });
    if (record.type !== 'cloud' && !record.siprecServerURL) return reply(400, { msg: 'record requires siprecServerURL property when starting recording' });
    const running = [...this.recordings.values()].find((r) => r.callSid === call.sid && r.status !== 'completed');
    if (record.action === 'startCallRecording' && !running) {
      const key = `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/${call.sid}.mp3`;
      this.recordings.set(key, new FakeRecording(key, call.sid, call.app.accountSid));
    }
    if (record.action === 'pauseCallRecording') running?.pause(record.silence === true ? 'silence' : 'skip');
    if (record.action === 'resumeCallRecording') running?.resume();
    if (record.action === 'stopCallRecording') running?.stop();
    reply(202);
  }

  /** GET or DELETE of a recording object, through the api-server's RecentCalls route. */
  private recordingObject(method: string, m: RegExpExecArray, authorization: string | undefined, reply: (status: number, json?: unknown) => void, res: ServerResponse): void {
    const [, account, callSid, y, mo, d, format] = m;
    const owner = [...this.numbers.values()].find((a) => a.accountSid === account);
    if (!owner || authorization !== `Bearer ${owner.apiKey}`) return reply(401, { msg: 'invalid api key' });
    const r = this.recordings.get(`${y}/${mo}/${d}/${callSid}.${format}`);
    const uploaded = r && r.account === account && r.status === 'completed' && !r.deleted;
    if (method === 'DELETE') {
      if (uploaded) r.deletes++;
      return reply(204);
    }
    if (method !== 'GET' || !uploaded) return reply(404);
    r.plays++;
    this.restRequests.push({ path: m[0], body: {}, status: 200 });
    const audio = r.audio();
    res.writeHead(200, { 'content-type': `audio/${format}` }).end(audio);
  }

  /** POST /v1/Accounts/{sid}/Calls: validated, answered 201 {sid} once the INVITE is on its way, then rung. */
  private createCall(account: string, authorization: string | undefined, body: Record<string, unknown>, reply: (status: number, json?: unknown) => void): void {
    const owner = [...this.numbers.values()].find((a) => a.accountSid === account);
    if (!owner || authorization !== `Bearer ${owner.apiKey}`) return reply(401, { msg: 'invalid api key' });
    const error = createCallError(body);
    if (error) return reply(400, { msg: error });
    const url = (hook: unknown) => (typeof hook === 'string' ? hook : (hook as { url: string }).url);
    const app: FakeApplication = { ...owner, callHook: url(body.call_hook), callStatusHook: body.call_status_hook ? url(body.call_status_hook) : '' };
    const call = new FakeJambonzCall(randomUUID(), String(body.from), targetEndpoint(body.to)!, app, 'outbound');
    this.calls.set(call.sid, call);
    this.outbound.push(call);
    reply(201, { sid: call.sid });
    void this.ringOutbound(call, body);
  }

  /**
   * An outbound call rings its `to` with that endpoint's behaviour (rest:dial): not answered in
   * `timeout` seconds (default 60) it is cancelled (no-answer, 487); busy 486; failed 503.
   * Answered, call_hook is requested with the call's speech defaults and what it returns runs.
   */
  private async ringOutbound(call: FakeJambonzCall, body: Record<string, unknown>): Promise<void> {
    const behaviour = this.endpoints.get(call.to) ?? { answer: 'answer' };
    const status = (callStatus: string, sipStatus: number) => {
      call.status = callStatus === 'in-progress' ? 'in-progress' : call.status;
      return this.notify(call, { call_status: callStatus, sip_status: sipStatus });
    };
    await status('ringing', 180);
    const unanswered = async (callStatus: string, sipStatus: number) => {
      call.status = 'completed';
      call.control.abort();
      await this.notify(call, { call_status: callStatus, sip_status: sipStatus });
    };
    if (behaviour.answer === 'busy') return unanswered('busy', 486);
    if (behaviour.answer === 'failed') return unanswered('failed', 503);
    if (behaviour.answer === 'no-answer') {
      await sleep(Number(body.timeout ?? 60) * this.timeScale, call.control.signal);
      return unanswered('no-answer', 487);
    }
    await sleep(behaviour.afterMs ?? 0, call.control.signal);
    if (call.over) return;
    call.answeredAt = Date.now();
    await status('in-progress', 200);
    const defaults = {
      synthesizer: { vendor: body.speech_synthesis_vendor, language: body.speech_synthesis_language, voice: body.speech_synthesis_voice },
      recognizer: { vendor: body.speech_recognizer_vendor, language: body.speech_recognizer_language },
    };
    const verbs = await this.hook(call, call.app.callHook, { defaults }).catch(() => undefined);
    // Anything but a verb array ends the call.
    if (!verbs) return this.complete(call, 'jambonz');
    await this.runApplication(call, verbs, call.control.signal);
  }
}
