/**
 * A fake Twilio for tests and load tests: a phone network that drives Switchboard exactly as Twilio
 * does. It signs webhooks with the official `twilio` package, executes the TwiML it gets back
 * (Say, Play, Pause, Redirect, Dial with action and answered callbacks, Gather of keypad digits
 * as the test scripts them, Hangup; the end of a document hangs up), rings staff endpoints with behaviours the test sets, and serves the Calls
 * API (update a live call with Twiml/Url/Status; 400 code 21220 once a call has ended; place an
 * outbound call, which rings its `To` endpoint with the behaviour set for it; fetch a call, ended
 * ones included, with its `status`). A call's `finalStatusLost` drops its final status callback.
 * <Dial record> records from the answer (recordingStatusCallback events with the parent's CallSid),
 * and the Recordings API pauses, resumes, serves and deletes recordings (`recordings`).
 *
 * Time is compressed by `timeScale` (real milliseconds per TwiML second): pauses, ring time-outs and
 * staff talk time use it; the durations reported back (DialCallDuration, CallDuration) use
 * `durationScale`, which a load run sets to `timeScale = 1000 / CLOCK_SPEED` so that the emulator and
 * the service agree on how long things took.
 * For load, `record = false` keeps no per-request log (use `onWebhook` to count) and `forget()`
 * drops finished calls.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import twilio from 'twilio';
import { FakeNetwork, FakeRecording, PhoneCall, sleep, staffLegEnds, type EndpointBehaviour } from './phone.js';

export type { EndpointBehaviour } from './phone.js';

export interface FakeNumber {
  accountSid: string;
  authToken: string;
  voiceUrl: string;
  statusCallback: string;
}

export interface Verb {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: Verb[];
}

export interface WebhookLog {
  url: string;
  params: Record<string, string>;
  status: number;
  body: string;
  ms: number;
}

/** What `onWebhook` is told about each signed request: enough for load figures, nothing kept. */
export interface WebhookTiming {
  /** The path without the query string, e.g. /v1/twilio/wait. */
  route: string;
  status: number;
  /** Real milliseconds from sending the request to reading the whole response. */
  ms: number;
  at: number;
}

export type CallEvent = 'bridged' | 'ended';

export class FakeCall extends PhoneCall {
  direction: 'inbound' | 'outbound-api' = 'inbound';

  constructor(
    sid: string,
    from: string,
    to: string,
    readonly number: FakeNumber,
  ) {
    super(sid, from, to);
  }
}

const xml = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, trimValues: true });

export function parseTwiml(body: string): Verb[] {
  const convert = (node: Record<string, unknown>): Verb | undefined => {
    const name = Object.keys(node).find((k) => k !== ':@');
    if (!name || name === '#text') return undefined;
    const kids = (node[name] as Record<string, unknown>[]) ?? [];
    return {
      name,
      attrs: (node[':@'] as Record<string, string>) ?? {},
      text: kids.filter((k) => '#text' in k).map((k) => String(k['#text'])).join(''),
      children: kids.map(convert).filter((v): v is Verb => v !== undefined),
    };
  };
  const root = (xml.parse(body) as Record<string, unknown>[]).map(convert).find((v) => v?.name === 'Response');
  if (!root) throw new Error(`not TwiML: ${body.slice(0, 200)}`);
  return root.children;
}

export class FakeTwilio extends FakeNetwork<FakeCall, FakeNumber> {
  readonly webhooks: WebhookLog[] = [];
  readonly restRequests: { path: string; params: Record<string, string>; status: number }[] = [];
  /** Calls placed through POST .../Calls.json, in order. */
  readonly outbound: FakeCall[] = [];
  /** Recordings made by <Dial record>, by sid (kept after deletion, marked). */
  readonly recordings = new Map<string, FakeRecording>();
  /** Keep `webhooks` and `restRequests` (tests read them); a load run turns this off. */
  record = true;
  /** Told about every signed request, whether or not it is recorded. */
  onWebhook?: (timing: WebhookTiming) => void;
  /** Told when a caller is bridged to staff and when a call is over. */
  onCallEvent?: (call: FakeCall, event: CallEvent) => void;
  /** Calls API requests answered, by HTTP status. */
  readonly restStatuses = new Map<number, number>();
  private readonly accounts = new Map<string, FakeNumber>();
  /** Finished calls dropped by forget(): Twilio still knows them, as calls no longer in progress. */
  private readonly forgotten = new Set<string>();

  override addNumber(number: string, config: FakeNumber): void {
    super.addNumber(number, config);
    this.accounts.set(config.accountSid, config);
  }

  /** How a staff endpoint answers; a load run replaces this to draw behaviour per call. */
  behaviourFor(endpoint: string, _call: FakeCall): EndpointBehaviour {
    return this.endpoints.get(endpoint) ?? { answer: 'answer' };
  }

  /** Drops a finished call (a long load run would otherwise keep every call it ever placed). */
  forget(call: FakeCall): void {
    if (!call.over) return;
    this.calls.delete(call.sid);
    this.forgotten.add(call.sid);
  }

  /**
   * Real milliseconds per reported second (DialCallDuration, CallDuration). Tests fast-forward holds
   * against a service on the real clock, so durations stay real (1000); a load run compresses the
   * service's clock too and sets this to `timeScale`, so both sides agree on how long things took.
   */
  durationScale = 1000;

  /** Reported seconds between two real instants. */
  private seconds(fromMs: number, toMs = Date.now()): number {
    return Math.round((toMs - fromMs) / this.durationScale);
  }

  /** A caller rings `to`. Resolves once the first webhook has been answered. */
  async placeCall(from: string, to: string, keys: string[] = []): Promise<FakeCall> {
    const number = this.numbers.get(to);
    if (!number) throw new Error(`fake Twilio: no number ${to}`);
    const call = new FakeCall(`CA${randomBytes(16).toString('hex')}`, from, to, number);
    call.keys.push(...keys);
    this.calls.set(call.sid, call);
    const first = await this.request(call, number.voiceUrl, {});
    await this.beforeAnswer?.(call);
    call.status = 'in-progress';
    call.answeredAt = Date.now();
    void this.runDocument(call, first, number.voiceUrl, call.control.signal);
    return call;
  }

  /** The caller puts the phone down. */
  async hangUp(call: FakeCall): Promise<void> {
    if (call.status === 'completed') return;
    call.hungUpByCaller = true;
    call.endStaffLeg?.();
    call.control.abort();
    await this.complete(call);
  }

  /** The member of staff ends the conversation; the caller's call carries on with the Dial action. */
  staffHangsUp(call: FakeCall): void {
    if (!call.bridged) throw new Error(`call ${call.sid} is not bridged to staff`);
    call.endStaffLeg?.();
  }

  private params(call: FakeCall, extra: Record<string, string>): Record<string, string> {
    return {
      CallSid: call.sid,
      AccountSid: call.number.accountSid,
      From: call.from,
      To: call.to,
      Caller: call.from,
      Called: call.to,
      CallStatus: call.status,
      Direction: call.direction,
      ApiVersion: '2010-04-01',
      ...extra,
    };
  }

  /** A signed POST, as Twilio makes it; returns the body, or undefined after an error response. */
  async post(url: string, params: Record<string, string>, authToken: string): Promise<{ status: number; body: string }> {
    const signature = twilio.getExpectedTwilioSignature(authToken, url, params);
    const t0 = Date.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params),
    });
    const body = await res.text();
    const ms = Date.now() - t0;
    if (this.record) this.webhooks.push({ url, params, status: res.status, body, ms });
    this.onWebhook?.({ route: new URL(url).pathname, status: res.status, ms, at: t0 });
    return { status: res.status, body };
  }

  private async request(call: FakeCall, url: string, extra: Record<string, string>): Promise<string | undefined> {
    const { status, body } = await this.post(url, this.params(call, extra), call.number.authToken);
    if (status < 200 || status >= 300) {
      // Twilio says "an application error has occurred" and ends the call.
      call.errors.push(`${status} from ${url}: ${body.slice(0, 200)}`);
      return undefined;
    }
    return body;
  }

  private async runDocument(call: FakeCall, body: string | undefined, docUrl: string | undefined, signal: AbortSignal): Promise<void> {
    try {
      if (body === undefined) return await this.complete(call);
      let verbs: Verb[];
      try {
        verbs = parseTwiml(body);
      } catch (err) {
        call.errors.push(String(err));
        return await this.complete(call);
      }
      for (const verb of verbs) {
        if (signal.aborted || call.status === 'completed') return;
        switch (verb.name) {
          case 'Say':
            call.hear(verb.text);
            break;
          case 'Play':
            call.hear(`[play ${verb.text}]`);
            await sleep(10 * this.timeScale, signal);
            break;
          case 'Pause':
            await sleep(Number(verb.attrs.length ?? 1) * this.timeScale, signal);
            break;
          case 'Hangup':
            return await this.complete(call);
          case 'Redirect': {
            const next = this.resolve(call, verb.text, docUrl);
            if (!next) return await this.complete(call);
            return await this.runDocument(call, await this.request(call, next, {}), next, signal);
          }
          case 'Gather': {
            // Twilio speaks the nested verbs while listening, then requests action with Digits; with
            // no input it moves on to the next verb unless actionOnEmptyResult is true.
            for (const say of verb.children.filter((v) => v.name === 'Say')) call.hear(say.text);
            call.menusHeard.push(verb.children.map((v) => v.text).join(' '));
            const pressed = call.keys.shift() ?? '';
            const finish = verb.attrs.finishOnKey ?? '#';
            const digits = (finish && pressed.includes(finish) ? pressed.slice(0, pressed.indexOf(finish)) : pressed).slice(0, Number(verb.attrs.numDigits ?? 99));
            // Nothing pressed: the nested pauses and audio play out, then the timeout runs.
            const prompt = verb.children.reduce((s, v) => s + (v.name === 'Pause' ? Number(v.attrs.length ?? 1) : v.name === 'Play' ? 10 : 0), 0);
            if (!digits) await sleep((prompt + Number(verb.attrs.timeout ?? 5)) * this.timeScale, signal);
            if (signal.aborted || call.over) return;
            if (!digits && verb.attrs.actionOnEmptyResult !== 'true') break;
            const action = this.resolve(call, verb.attrs.action ?? docUrl ?? '', docUrl);
            if (!action) return await this.complete(call);
            return await this.runDocument(call, await this.request(call, action, digits ? { Digits: digits } : {}), action, signal);
          }
          case 'Dial': {
            const result = await this.dial(call, verb, signal);
            if (signal.aborted && !call.hungUpByCaller) return; // replaced by a live update: no action request
            if (!verb.attrs.action) break;
            const action = this.resolve(call, verb.attrs.action, docUrl);
            if (!action) return await this.complete(call);
            const answer = await this.request(call, action, result);
            if (call.over) return; // the caller had gone: the answer is ignored
            return await this.runDocument(call, answer, action, signal);
          }
          default:
            call.errors.push(`unsupported verb ${verb.name}`);
        }
      }
      if (!signal.aborted) await this.complete(call); // the end of the document hangs up
    } catch (err) {
      call.errors.push(String(err));
      await this.complete(call);
    }
  }

  private resolve(call: FakeCall, url: string, base: string | undefined): string | undefined {
    try {
      return new URL(url, base).toString();
    } catch {
      call.errors.push(`15004: cannot resolve ${url} without a document URL`);
      return undefined;
    }
  }

  private async dial(call: FakeCall, verb: Verb, signal: AbortSignal): Promise<Record<string, string>> {
    const noun = verb.children[0];
    const endpoint = noun ? (noun.name === 'Client' ? `client:${noun.text}` : noun.text) : verb.text;
    const timeoutS = Number(verb.attrs.timeout ?? 30);
    const behaviour = this.behaviourFor(endpoint, call);
    const childSid = `CA${randomBytes(16).toString('hex')}`;
    call.dialling = endpoint;
    try {
      if (behaviour.answer === 'busy' || behaviour.answer === 'failed') {
        return { DialCallStatus: behaviour.answer, DialCallSid: childSid, DialCallDuration: '0' };
      }
      if (behaviour.answer === 'no-answer') {
        await sleep(timeoutS * this.timeScale, signal);
        return { DialCallStatus: signal.aborted ? 'canceled' : 'no-answer', DialCallSid: childSid, DialCallDuration: '0' };
      }
      await sleep(behaviour.afterMs ?? 0, signal);
      if (signal.aborted) return { DialCallStatus: 'canceled', DialCallSid: childSid, DialCallDuration: '0' };
      const answeredAt = Date.now();
      call.bridged = { endpoint, childSid, answeredAt };
      const recording = this.startDialRecording(call, verb);
      const ended = staffLegEnds(call, signal);
      this.onCallEvent?.(call, 'bridged');
      if (behaviour.talkSeconds !== undefined) void sleep(behaviour.talkSeconds * this.timeScale, signal).then(() => call.endStaffLeg?.());
      if (noun?.attrs.statusCallback && (noun.attrs.statusCallbackEvent ?? '').split(/\s+/).includes('answered')) {
        await this.post(noun.attrs.statusCallback, { CallSid: childSid, ParentCallSid: call.sid, AccountSid: call.number.accountSid, From: call.from, To: endpoint, CallStatus: 'in-progress', Direction: 'outbound-dial', ApiVersion: '2010-04-01' }, call.number.authToken);
      }
      await ended;
      if (recording) void this.endDialRecording(call, verb, recording);
      return { DialCallStatus: 'completed', DialCallSid: childSid, DialCallDuration: String(this.seconds(answeredAt)) };
    } finally {
      call.dialling = undefined;
      call.bridged = undefined;
      call.endStaffLeg = undefined;
    }
  }

  /**
   * <Dial record="record-from-answer-dual">: the recording starts as the dialled party answers,
   * belongs to the parent call, and its events go to recordingStatusCallback (default event:
   * completed), each with the parent's CallSid, as Twilio's <Dial> documentation gives them.
   */
  private startDialRecording(call: FakeCall, verb: Verb): FakeRecording | undefined {
    const mode = verb.attrs.record ?? 'do-not-record';
    if (mode === 'do-not-record' || mode === 'false') return undefined;
    if (mode !== 'record-from-answer-dual' && mode !== 'record-from-answer' && mode !== 'true') {
      call.errors.push(`13612: invalid Dial record value ${mode}`);
      return undefined;
    }
    const recording = new FakeRecording(`RE${randomBytes(16).toString('hex')}`, call.sid, call.number.accountSid);
    this.recordings.set(recording.id, recording);
    void this.recordingEvent(call, verb, recording, 'in-progress');
    return recording;
  }

  private async endDialRecording(call: FakeCall, verb: Verb, recording: FakeRecording): Promise<void> {
    recording.stop();
    await this.recordingEvent(call, verb, recording, 'completed');
  }

  private async recordingEvent(call: FakeCall, verb: Verb, r: FakeRecording, status: 'in-progress' | 'completed'): Promise<void> {
    const url = verb.attrs.recordingStatusCallback;
    const events = (verb.attrs.recordingStatusCallbackEvent ?? 'completed').split(/\s+/);
    if (!url || !events.includes(status)) return;
    const channels = verb.attrs.record === 'record-from-answer-dual' ? '2' : '1';
    await this.post(url, {
      AccountSid: call.number.accountSid,
      CallSid: call.sid,
      RecordingSid: r.id,
      RecordingUrl: `${this.url}/2010-04-01/Accounts/${call.number.accountSid}/Recordings/${r.id}`,
      RecordingStatus: status,
      RecordingDuration: status === 'completed' ? String(this.seconds(r.startedAt, r.endedAt)) : '-1',
      RecordingChannels: channels,
      RecordingStartTime: new Date(r.startedAt).toUTCString(),
      RecordingSource: 'DialVerb',
      RecordingTrack: 'both',
      ErrorCode: '0',
    }, call.number.authToken).catch((err: unknown) => call.errors.push(`recording callback: ${String(err)}`));
  }

  /**
   * The Recordings API: POST .../Calls/{CallSid}/Recordings/{Sid|Twilio.CURRENT}.json (Status paused,
   * in-progress or stopped; PauseBehavior skip or silence), GET .../Recordings/{Sid}.mp3|.wav|.json,
   * DELETE .../Recordings/{Sid}.json (204, then 404). Undefined when the request is not for it.
   */
  private recordingsApi(method: string, path: string, account: string, params: Record<string, string>, reply: (status: number, body: unknown) => void, res: ServerResponse): boolean {
    const update = /^\/2010-04-01\/Accounts\/[^/]+\/Calls\/([^/]+)\/Recordings\/([^/]+)\.json$/.exec(path);
    const one = /^\/2010-04-01\/Accounts\/[^/]+\/Recordings\/([^/.]+)\.(json|mp3|wav)$/.exec(path);
    if (!update && !one) return false;
    const notFound = () => reply(404, { code: 20404, message: `The requested resource ${path} was not found`, status: 404 });
    if (update && method === 'POST') {
      const [, callSid, sid] = update;
      const r = sid === 'Twilio.CURRENT'
        ? [...this.recordings.values()].find((x) => x.callSid === callSid && x.account === account && x.status !== 'completed')
        : this.recordings.get(sid!);
      if (!r || r.callSid !== callSid || r.account !== account || r.status === 'completed') return notFound(), true;
      const status = params.Status;
      if (status === 'paused') r.pause(params.PauseBehavior ?? 'silence');
      else if (status === 'in-progress') r.resume();
      else if (status === 'stopped') r.stop();
      else return reply(400, { code: 21217, message: `Invalid Status ${status}`, status: 400 }), true;
      return reply(200, { sid: r.id, call_sid: r.callSid, account_sid: account, status: r.status }), true;
    }
    const r = one ? this.recordings.get(one[1]!) : undefined;
    if (!one || !r || r.account !== account || r.deleted) return notFound(), true;
    if (method === 'DELETE' && one[2] === 'json') {
      r.deletes++;
      return reply(204, undefined), true;
    }
    if (method !== 'GET') return notFound(), true;
    if (one[2] === 'json') return reply(200, { sid: r.id, call_sid: r.callSid, account_sid: account, status: r.status === 'completed' ? 'completed' : 'processing', channels: 2, source: 'DialVerb', duration: r.endedAt ? String(this.seconds(r.startedAt, r.endedAt)) : null }), true;
    r.plays++;
    if (this.record) this.restRequests.push({ path, params, status: 200 });
    const audio = r.audio();
    res.writeHead(200, { 'content-type': one[2] === 'mp3' ? 'audio/mpeg' : 'audio/x-wav', 'content-length': audio.length }).end(audio);
    return true;
  }

  /** An outbound call rings its `to` with that endpoint's behaviour; answered, it runs the Url's TwiML. */
  private async ringOutbound(call: FakeCall, timeoutS: number): Promise<void> {
    const behaviour = this.behaviourFor(call.to, call);
    if (behaviour.answer !== 'answer') {
      if (behaviour.answer === 'no-answer') await sleep(timeoutS * this.timeScale, call.control.signal);
      return this.complete(call, behaviour.answer);
    }
    await sleep(behaviour.afterMs ?? 0, call.control.signal);
    if (call.over) return;
    call.status = 'in-progress';
    call.answeredAt = Date.now();
    const body = await this.request(call, call.number.voiceUrl, {});
    await this.runDocument(call, body, call.number.voiceUrl, call.control.signal);
  }

  private async complete(call: FakeCall, status: 'completed' | 'no-answer' | 'busy' | 'failed' = 'completed'): Promise<void> {
    if (call.status === 'completed') return;
    const wasAnswered = call.status === 'in-progress';
    call.status = 'completed';
    call.control.abort();
    if (!call.number.statusCallback || call.finalStatusLost) return this.onCallEvent?.(call, 'ended');
    await this.post(call.number.statusCallback, this.params(call, { CallStatus: status, CallDuration: wasAnswered ? String(this.seconds(call.startedAt)) : '0' }), call.number.authToken).catch(() => undefined);
    this.onCallEvent?.(call, 'ended');
  }

  /** GET .../Calls/{Sid}.json: the Call resource, kept after the call ends with its final status. */
  private fetchCall(account: string, sid: string, call: FakeCall | undefined, reply: (status: number, body: unknown) => void): void {
    if (!call && this.forgotten.has(sid)) return reply(200, { sid, account_sid: account, status: 'completed' });
    if (!call || call.number.accountSid !== account) return reply(404, { code: 20404, message: `The requested resource /2010-04-01/Accounts/${account}/Calls/${sid}.json was not found`, status: 404 });
    reply(200, { sid, account_sid: account, from: call.from, to: call.to, direction: call.direction, status: call.status });
  }

  protected async handleRest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
    const reply = (status: number, body: unknown) => {
      if (this.record) this.restRequests.push({ path: req.url ?? '', params, status });
      this.restStatuses.set(status, (this.restStatuses.get(status) ?? 0) + 1);
      if (status === 204) return void res.writeHead(204).end();
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const accountOf = /^\/2010-04-01\/Accounts\/([^/]+)\//.exec(req.url ?? '')?.[1];
    if (accountOf && /\/Recordings\//.test(req.url ?? '')) {
      const [user, pass] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().split(':');
      const owner = this.accounts.get(accountOf);
      if (!owner || user !== accountOf || pass !== owner.authToken) return reply(401, { code: 20003, message: 'Authenticate', status: 401 });
      if (this.recordingsApi(req.method ?? 'GET', req.url ?? '', accountOf, params, reply, res)) return;
    }
    const create = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls\.json$/.exec(req.url ?? '');
    const m = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls\/([^/]+)\.json$/.exec(req.url ?? '');
    const fetchCall = req.method === 'GET' && m;
    if (!fetchCall && (req.method !== 'POST' || !(m || create))) return reply(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    const account = (m ?? create)![1]!;
    const [user, pass] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().split(':');
    const owner = this.accounts.get(account);
    if (!owner || user !== account || pass !== owner.authToken) return reply(401, { code: 20003, message: 'Authenticate', status: 401 });
    if (create) {
      if (!params.To || !params.From || !params.Url) return reply(400, { code: 21205, message: 'To, From and Url are required', status: 400 });
      const call = new FakeCall(`CA${randomBytes(16).toString('hex')}`, params.From, params.To, { ...owner, voiceUrl: params.Url, statusCallback: params.StatusCallback ?? '' });
      call.direction = 'outbound-api';
      this.calls.set(call.sid, call);
      this.outbound.push(call);
      reply(201, { sid: call.sid, status: 'queued' });
      // An answer URL that cannot be fetched ends the call, as Twilio's "application error" does.
      return void this.ringOutbound(call, Number(params.Timeout ?? 60)).catch(async (err: unknown) => {
        call.errors.push(String(err));
        await this.complete(call);
      });
    }
    const sid = m![2];
    const call = this.calls.get(sid!);
    if (fetchCall) return this.fetchCall(account, sid!, call, reply);
    if (!call && this.forgotten.has(sid!)) return reply(400, { code: 21220, message: 'Call is not in-progress. Cannot redirect.', status: 400 });
    if (!call || call.number.accountSid !== account) return reply(404, { code: 20404, message: `The requested resource /2010-04-01/Accounts/${account}/Calls/${sid}.json was not found`, status: 404 });
    if (call.status !== 'in-progress') return reply(400, { code: 21220, message: 'Call is not in-progress. Cannot redirect.', status: 400 });
    reply(200, { sid: call.sid, status: call.status });
    // Whatever the call was doing stops; the new instructions run.
    call.control.abort();
    call.endStaffLeg?.();
    call.control = new AbortController();
    if (params.Status === 'completed') return void this.complete(call);
    if (params.Twiml) return void this.runDocument(call, params.Twiml, undefined, call.control.signal);
    if (params.Url) {
      const url = params.Url;
      return void this.request(call, url, {}).then((body) => this.runDocument(call, body, url, call.control.signal));
    }
  }
}
