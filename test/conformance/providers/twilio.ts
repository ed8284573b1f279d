import type { Test } from 'tap';
import twilio from 'twilio';
import type { Directory } from '../../../shared/directory/directory.js';
import { FakeTwilio, parseTwiml, type FakeCall } from '../../fakes/twilio.js';
import { pointNumbersAt } from '../../helpers/switchboard.js';
import { RIVERSIDE } from '../../fixtures/directories.js';
import type { Answer, SendOptions, TestCall, TestProvider, Webhook } from '../provider.js';

const ACCOUNTS = {
  1: { sid: 'AC00000000000000000000000000000001', token: 'riverside-secret' },
  2: { sid: 'AC00000000000000000000000000000002', token: 'grays-secret' },
};

const PATHS: Record<Webhook, string> = {
  incoming: '/v1/twilio/voice',
  wait: '/v1/twilio/wait?practice=F81001',
  progress: '/v1/twilio/status',
  ended: '/v1/twilio/status',
  'dial-no-answer': '/v1/twilio/dial-result?practice=F81001&staff=alice',
};

function fieldsFor(webhook: Webhook): Record<string, string> {
  switch (webhook) {
    case 'incoming':
      return { CallStatus: 'ringing' };
    case 'ended':
      return { CallStatus: 'completed', CallDuration: '0' };
    case 'dial-no-answer':
      return { CallStatus: 'in-progress', DialCallStatus: 'no-answer', DialCallDuration: '0' };
    default:
      return { CallStatus: webhook === 'progress' ? 'ringing' : 'in-progress' };
  }
}

/** Twilio: its fake network, and its webhooks signed with the official `twilio` package. */
export async function twilioProvider(t: Test): Promise<TestProvider> {
  const fake = await new FakeTwilio().start();
  t.teardown(() => fake.stop());

  const post = async (url: string, params: Record<string, string>, signature: string | null) => {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (signature !== null) headers['x-twilio-signature'] = signature;
    const res = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(params) });
    return { status: res.status, body: await res.text() };
  };
  const fields = (sid: string, account: 1 | 2, extra: Record<string, string>) => ({ CallSid: sid, AccountSid: ACCOUNTS[account].sid, From: '+447700900123', To: RIVERSIDE, Direction: 'inbound', ApiVersion: '2010-04-01', ...extra });

  return {
    kind: 'twilio',
    signaturesExpire: false,
    env: { TWILIO_API_BASE: fake.url },
    account: (n) => `{ kind: twilio, accountSid: ${ACCOUNTS[n].sid}, authToken: ${ACCOUNTS[n].token} }`,
    voice: 'Polly.Amy',
    connect: (directory: Directory, baseUrl: string) => pointNumbersAt(fake, directory, baseUrl),
    placeCall: (from, to, keys) => fake.placeCall(from, to, keys),
    outbound: () => fake.outbound,
    checkPlaceCall: (t: Test, call: TestCall, staffId: string, patient: string) => {
      const create = fake.restRequests.find((r) => r.path === `/2010-04-01/Accounts/${ACCOUNTS[1].sid}/Calls.json` && r.params.To === call.to);
      t.equal(create?.status, 201, 'the staff phone was rung through the Calls API');
      t.match(create?.params, {
        From: RIVERSIDE,
        Url: new RegExp(`^http://127\\.0\\.0\\.1:\\d+/v1/twilio/callback-staff\\?practice=F81001&callback=F81001-[0-9a-f]{16}&staff=${staffId}$`),
        StatusCallback: /\/v1\/twilio\/callback-staff-status\?/,
        Timeout: '60',
      });
      const answered = fake.webhooks.find((w) => w.url.includes('/v1/twilio/callback-staff?') && w.params.CallSid === call.sid);
      t.match(answered?.body, `callerId="${RIVERSIDE}"`, 'the patient is dialled from the practice number');
      t.match(answered?.body, `>${patient}</Number>`);
    },
    beforeAnswer: (work) => void (fake.beforeAnswer = work),
    liveRequests: () => fake.restRequests.length,
    setTimeScale: (ms) => void (fake.timeScale = ms),
    hangUp: (call) => fake.hangUp(call as FakeCall),
    hangUpUnreported: (call) => {
      (call as FakeCall).finalStatusLost = true;
      return fake.hangUp(call as FakeCall);
    },
    hangUpUnreportedAndForgotten: async (call) => {
      (call as FakeCall).finalStatusLost = true;
      await fake.hangUp(call as FakeCall);
      fake.calls.delete(call.sid);
    },
    staffHangsUp: (call) => fake.staffHangsUp(call as FakeCall),
    setEndpoint: (endpoint, behaviour) => void fake.endpoints.set(endpoint, behaviour),
    waitFor: (what, probe, timeoutMs) => fake.waitFor(what, probe, timeoutMs),
    firstAnswers: () => fake.webhooks.filter((w) => w.url.endsWith('/voice')).map((w) => ({ status: w.status, valid: w.body.includes('<Response>') })),
    connectsPerCall: () => {
      const perCall = new Map<string, number>();
      for (const r of fake.restRequests.filter((r) => r.params.Twiml?.includes('<Dial'))) {
        const sid = /\/Calls\/([^/]+)\.json$/.exec(r.path)![1]!;
        perCall.set(sid, (perCall.get(sid) ?? 0) + 1);
      }
      return perCall;
    },
    checkConnect: (t: Test, call: TestCall, staffId: string) => {
      const update = fake.restRequests.find((r) => r.path.includes(`/Calls/${call.sid}.json`));
      t.ok(update, 'the caller was connected through the Calls API');
      t.equal(update?.status, 200);
      t.match(update?.params.Twiml, new RegExp(`<Dial action="http://127\\.0\\.0\\.1:\\d+/v1/twilio/dial-result\\?practice=F81001&amp;staff=${staffId}"`), 'inline TwiML uses absolute URLs');
    },
    async send(switchboardUrl, webhook, sid, opts: SendOptions = {}): Promise<Answer> {
      const url = switchboardUrl + PATHS[webhook];
      const account = opts.account ?? 1;
      const params = fields(sid, account, { ...fieldsFor(webhook), ...(opts.to ? { To: opts.to } : {}) });
      const signing = opts.signing ?? 'good';
      if (signing === 'stale') throw new Error('Twilio signatures carry no time: nothing can be stale');
      const token = signing === 'other-practice-secret' ? ACCOUNTS[2].token : ACCOUNTS[account].token;
      const signature = signing === 'missing' ? null : signing === 'wrong' ? 'bm90IGEgc2lnbmF0dXJl' : twilio.getExpectedTwilioSignature(token, url, params);
      const { status, body } = await post(url, params, signature);
      const verbs = status === 200 ? parseTwiml(body) : [];
      return { status, body, said: verbs.filter((v) => v.name === 'Say').map((v) => v.text).join(' '), hangsUp: verbs.at(-1)?.name === 'Hangup' };
    },
    async sendWithoutCallId(switchboardUrl) {
      const url = `${switchboardUrl}/v1/twilio/voice`;
      const params = { AccountSid: ACCOUNTS[1].sid, To: RIVERSIDE };
      return (await post(url, params, twilio.getExpectedTwilioSignature(ACCOUNTS[1].token, url, params))).status;
    },
    recordings: () => [...fake.recordings.values()],
    recordingForgeries: (switchboardUrl, sid) => {
      // Another call's id: the last hex digit changed (always changed: a sid ending in 0 gets a 1).
      const otherSid = (of: string) => `${of.slice(0, -1)}${of.endsWith('0') ? '1' : '0'}`;
      const url = `${switchboardUrl}/v1/twilio/recording-status?practice=F81001&rec=twilio%3A${sid}`;
      const params = { AccountSid: ACCOUNTS[1].sid, CallSid: sid, RecordingSid: `RE${'0'.repeat(31)}1`, RecordingStatus: 'completed', RecordingDuration: '60', RecordingUrl: `${fake.url}/2010-04-01/Accounts/${ACCOUNTS[1].sid}/Recordings/RE${'0'.repeat(31)}1` };
      const sign = (token: string, signedUrl = url) => twilio.getExpectedTwilioSignature(token, signedUrl, params);
      return [
        { name: 'an unsigned recording callback', send: async () => (await post(url, params, null)).status },
        { name: 'a recording callback with a wrong signature', send: async () => (await post(url, params, 'bm90IGEgc2lnbmF0dXJl')).status },
        { name: "a recording callback signed with another practice's token", send: async () => (await post(url, params, sign(ACCOUNTS[2].token))).status },
        { name: 'a recording callback signed for another call', send: async () => (await post(url, params, sign(ACCOUNTS[1].token, url.replace(sid, otherSid(sid))))).status },
      ];
    },
    forgeries: (switchboardUrl, sid, waitingSid) => [
      {
        name: 'a signature over another URL',
        send: async () => {
          const params = fields(sid, 1, fieldsFor('incoming'));
          return (await post(`${switchboardUrl}/v1/twilio/voice`, params, twilio.getExpectedTwilioSignature(ACCOUNTS[1].token, 'http://elsewhere.example/v1/twilio/voice', params))).status;
        },
      },
      {
        // The signature of a request the service has just accepted must not pass for that request
        // altered (the wait loop's signatures are remembered: see also the unit tests).
        name: "a verified request's signature on the same request with another caller's number",
        send: async () => {
          // The wait loop of a caller already waiting: its signatures are the ones remembered.
          const url = `${switchboardUrl}/v1/twilio/wait?practice=F81001`;
          const params = fields(waitingSid, 1, { CallStatus: 'in-progress' });
          const signature = twilio.getExpectedTwilioSignature(ACCOUNTS[1].token, url, params);
          const genuine = await post(url, params, signature);
          if (genuine.status !== 200) throw new Error(`the genuine request was answered ${genuine.status}, not 200: the forgery would prove nothing`);
          return (await post(url, { ...params, From: '+447700900999' }, signature)).status;
        },
      },
    ],
  };
}
