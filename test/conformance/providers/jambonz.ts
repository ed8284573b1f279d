import type { Test } from 'tap';
import type { Directory } from '../../../shared/directory/directory.js';
import type { Practice } from '../../../shared/directory/types.js';
import { callbackSeal, connectUrl } from '../../../shared/providers/jambonz/connect.js';
import { jambonzSignatureHeader } from '../../../shared/providers/jambonz/signature.js';
import { FakeJambonz, validateVerbs, type FakeJambonzCall, type JambonzVerb } from '../../fakes/jambonz.js';
import { ALICE_SIP, RIVERSIDE } from '../../fixtures/directories.js';
import type { Answer, SendOptions, TestCall, TestProvider, Webhook } from '../provider.js';

const ACCOUNTS = {
  1: { sid: '4a0f2b1c-5d6e-4f70-8a9b-0c1d2e3f4a01', apiKey: '5b1e3c2d-6e7f-4a81-9bac-1d2e3f4a5b01', secret: 'wh_secret_riverside' },
  2: { sid: '4a0f2b1c-5d6e-4f70-8a9b-0c1d2e3f4a02', apiKey: '5b1e3c2d-6e7f-4a81-9bac-1d2e3f4a5b02', secret: 'wh_secret_grays' },
};

const PATHS: Record<Webhook, string> = {
  incoming: '/v1/jambonz/call',
  wait: '/v1/jambonz/wait?practice=F81001',
  progress: '/v1/jambonz/status?practice=F81001',
  ended: '/v1/jambonz/status?practice=F81001',
  'dial-no-answer': '/v1/jambonz/dial-result?practice=F81001&staff=alice',
};

function fieldsFor(webhook: Webhook): Record<string, unknown> {
  switch (webhook) {
    case 'incoming':
      return { call_status: 'trying', sip_status: 100 };
    case 'ended':
      return { call_status: 'completed', sip_status: 200, duration: 0, call_termination_by: 'caller' };
    case 'dial-no-answer':
      return { call_status: 'in-progress', sip_status: 200, dial_call_status: 'no-answer', dial_sip_status: 487, dial_call_sid: 'c0ffee00-0000-4000-8000-000000000001' };
    default:
      return { call_status: 'in-progress', sip_status: 200 };
  }
}

const now = () => Math.floor(Date.now() / 1000);
const CALLBACK = 'F81001-00000000000000aa';

/** jambonz: its fake feature server and REST API, and its webhooks signed as the feature server signs. */
export async function jambonzProvider(t: Test): Promise<TestProvider> {
  const fake = await new FakeJambonz().start();
  t.teardown(() => fake.stop());

  const post = async (url: string, raw: string, signature: string | null) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (signature !== null) headers['jambonz-signature'] = signature;
    const res = await fetch(url, { method: 'POST', headers, body: raw });
    return { status: res.status, body: await res.text() };
  };
  const info = (sid: string, account: 1 | 2, extra: Record<string, unknown>) => ({
    call_sid: sid, direction: 'inbound', from: '+447700900123', to: RIVERSIDE, call_id: `${sid}@sbc`, account_sid: ACCOUNTS[account].sid,
    application_sid: '00000000-0000-4000-8000-00000000a991', ...extra,
  });
  const riverside = { ods: 'F81001', provider: { kind: 'jambonz', ...ACCOUNTS[1], webhookSecret: ACCOUNTS[1].secret } } as unknown as Practice;
  const dialAlice = [{ verb: 'dial' as const, endpoint: 'sip:alice@riverside.example', timeoutSeconds: 20, onAnswer: { step: 'staff-answered' as const, staffId: 'alice' }, onEnd: { step: 'dial-result' as const, staffId: 'alice' } }];

  return {
    kind: 'jambonz',
    signaturesExpire: true,
    env: { JAMBONZ_API_BASE: fake.url },
    // A speech vendor and (the practices') voice: what placing a call outside an application needs.
    account: (n) => `{ kind: jambonz, accountSid: ${ACCOUNTS[n].sid}, apiKey: ${ACCOUNTS[n].apiKey}, webhookSecret: ${ACCOUNTS[n].secret}, ttsVendor: google }`,
    voice: 'en-GB-Wavenet-A',
    connect(directory: Directory, baseUrl: string) {
      for (const p of directory.practices) {
        if (p.provider.kind !== 'jambonz') continue;
        const { accountSid, apiKey, webhookSecret } = p.provider;
        // As docs/providers.md says: the call hook finds the practice by number, the status hook names it.
        for (const n of p.numbers) fake.addNumber(n, { accountSid, apiKey, webhookSecret, callHook: `${baseUrl}/v1/jambonz/call`, callStatusHook: `${baseUrl}/v1/jambonz/status?practice=${p.ods}` });
      }
    },
    placeCall: (from, to, keys) => fake.placeCall(from, to, keys),
    outbound: () => fake.outbound,
    checkPlaceCall(t: Test, call: TestCall, staffId: string, patient: string) {
      const create = fake.restRequests.find((r) => r.path === `/v1/Accounts/${ACCOUNTS[1].sid}/Calls` && r.status === 201 && (r.body.to as { sipUri?: string }).sipUri === call.to);
      t.ok(create, 'the staff phone was rung through the REST API (201)');
      const seal = '[0-9a-f]{64}';
      t.match(create?.body, {
        from: RIVERSIDE,
        to: { type: 'sip', sipUri: ALICE_SIP },
        call_hook: { url: new RegExp(`^http://127\\.0\\.0\\.1:\\d+/v1/jambonz/callback-staff\\?practice=F81001&callback=F81001-[0-9a-f]{16}&staff=${staffId}&seal=${seal}$`), method: 'POST' },
        call_status_hook: { url: new RegExp(`^http://127\\.0\\.0\\.1:\\d+/v1/jambonz/callback-staff-status\\?.*&seal=${seal}$`), method: 'POST' },
        timeout: 60,
        speech_synthesis_vendor: 'google',
        speech_synthesis_language: 'en-GB',
        speech_synthesis_voice: 'en-GB-Wavenet-A',
      }, 'absolute, sealed hooks and the speech settings jambonz requires without an application');
      const answered = fake.webhooks.find((w) => w.url.includes('/v1/jambonz/callback-staff?') && w.payload.call_sid === call.sid);
      const dial = (JSON.parse(answered?.body ?? '[]') as JambonzVerb[]).find((v) => v.verb === 'dial');
      t.match(dial, { target: [{ type: 'phone', number: patient }], callerId: RIVERSIDE, actionHook: new RegExp(`^/v1/jambonz/callback-result\\?.*&seal=${seal}$`), confirmHook: /^\/v1\/jambonz\/callback-answered\?/ }, "the patient is dialled from the staff member's leg, '/'-relative hooks");
    },
    beforeAnswer: (work) => void (fake.beforeAnswer = work),
    liveRequests: () => fake.restRequests.length,
    setTimeScale: (ms) => void (fake.timeScale = ms),
    hangUp: (call) => fake.hangUp(call as FakeJambonzCall),
    hangUpUnreported: (call) => {
      (call as FakeJambonzCall).finalStatusLost = true;
      return fake.hangUp(call as FakeJambonzCall);
    },
    hangUpUnreportedAndForgotten: async (call) => {
      (call as FakeJambonzCall).finalStatusLost = true;
      await fake.hangUp(call as FakeJambonzCall);
      fake.calls.delete(call.sid);
    },
    staffHangsUp: (call) => fake.staffHangsUp(call as FakeJambonzCall),
    setEndpoint: (endpoint, behaviour) => void fake.endpoints.set(endpoint, behaviour),
    waitFor: (what, probe, timeoutMs) => fake.waitFor(what, probe, timeoutMs),
    firstAnswers: () =>
      fake.webhooks.filter((w) => w.url.endsWith('/v1/jambonz/call')).map((w) => {
        let valid = false;
        try {
          valid = validateVerbs(JSON.parse(w.body)).length > 0;
        } catch {
          valid = false;
        }
        return { status: w.status, valid };
      }),
    connectsPerCall: () => {
      const perCall = new Map<string, number>();
      for (const r of fake.restRequests.filter((r) => r.status === 202 && r.body.call_hook)) {
        const sid = /\/Calls\/([^/]+)$/.exec(r.path)![1]!;
        perCall.set(sid, (perCall.get(sid) ?? 0) + 1);
      }
      return perCall;
    },
    checkConnect(t: Test, call: TestCall, staffId: string) {
      const update = fake.restRequests.find((r) => r.path === `/v1/Accounts/${ACCOUNTS[1].sid}/Calls/${call.sid}`);
      t.ok(update, 'the caller was connected through the REST API');
      t.equal(update?.status, 202);
      const hook = update?.body.call_hook as { url: string; method: string } | undefined;
      t.match(hook, { url: /^\/v1\/jambonz\/connect\?practice=F81001&do=[\w-]+&seal=[0-9a-f]{64}$/, method: 'POST' }, "a '/'-relative call hook, sealed");
      const fetched = fake.webhooks.find((w) => hook && w.url.endsWith(hook.url) && w.payload.call_sid === call.sid);
      t.equal(fetched?.status, 200, 'jambonz fetched the new call hook');
      const dial = (JSON.parse(fetched?.body ?? '[]') as JambonzVerb[]).find((v) => v.verb === 'dial');
      t.match(dial, { target: [{ type: 'sip', sipUri: 'sip:alice@riverside.example' }], actionHook: `/v1/jambonz/dial-result?practice=F81001&staff=${staffId}`, confirmHook: `/v1/jambonz/staff-answered?practice=F81001&staff=${staffId}` });
    },
    async send(switchboardUrl, webhook, sid, opts: SendOptions = {}): Promise<Answer> {
      const account = opts.account ?? 1;
      const raw = JSON.stringify(info(sid, account, { ...fieldsFor(webhook), ...(opts.to ? { to: opts.to } : {}) }));
      const signing = opts.signing ?? 'good';
      const secret = signing === 'other-practice-secret' ? ACCOUNTS[2].secret : ACCOUNTS[account].secret;
      const signature = {
        good: () => jambonzSignatureHeader(secret, raw),
        'other-practice-secret': () => jambonzSignatureHeader(secret, raw),
        stale: () => jambonzSignatureHeader(secret, raw, now() - 301),
        wrong: () => `t=${now()},v1=${'0'.repeat(64)}`,
        missing: () => null,
      }[signing]();
      const { status, body } = await post(switchboardUrl + PATHS[webhook], raw, signature);
      const verbs = status === 200 ? validateVerbs(JSON.parse(body)) : [];
      return { status, body, said: verbs.filter((v) => v.verb === 'say').map((v) => String(v.text)).join(' '), hangsUp: verbs.at(-1)?.verb === 'hangup' };
    },
    async sendWithoutCallId(switchboardUrl) {
      const raw = JSON.stringify({ account_sid: ACCOUNTS[1].sid, to: RIVERSIDE, call_status: 'trying' });
      return (await post(`${switchboardUrl}/v1/jambonz/call`, raw, jambonzSignatureHeader(ACCOUNTS[1].secret, raw))).status;
    },
    recordings: () => [...fake.recordings.values()],
    recordingForgeries: (switchboardUrl, sid) => {
      const url = `${switchboardUrl}/v1/jambonz/staff-answered?practice=F81001&staff=alice`;
      const raw = JSON.stringify(info('c0ffee00-0000-4000-8000-0000000000aa', 1, { ...fieldsFor('wait'), parent_call_sid: sid, direction: 'outbound' }));
      return [
        { name: 'an unsigned answer', send: async () => (await post(url, raw, null)).status },
        { name: 'an answer with a wrong signature', send: async () => (await post(url, raw, `t=${now()},v1=${'0'.repeat(64)}`)).status },
        { name: "an answer signed with another practice's secret", send: async () => (await post(url, raw, jambonzSignatureHeader(ACCOUNTS[2].secret, raw))).status },
        { name: 'an answer whose signature is stale', send: async () => (await post(url, raw, jambonzSignatureHeader(ACCOUNTS[1].secret, raw, now() - 301))).status },
      ];
    },
    forgeries: (switchboardUrl, sid) => {
      const signedPost = (path: string, body: Record<string, unknown>) => {
        const raw = JSON.stringify(body);
        return post(switchboardUrl + path, raw, jambonzSignatureHeader(ACCOUNTS[1].secret, raw)).then((r) => r.status);
      };
      const connectPath = (forCall: string) => connectUrl('/v1/jambonz', riverside, forCall, dialAlice);
      const callbackPath = (step: string, staff: string, seal: string) => `/v1/jambonz/${step}?${new URLSearchParams({ practice: 'F81001', callback: CALLBACK, staff, seal })}`;
      return [
        {
          name: 'a body changed after it was signed',
          send: async () => {
            const signed = JSON.stringify(info(sid, 1, fieldsFor('incoming')));
            return (await post(`${switchboardUrl}/v1/jambonz/call`, signed.replace(sid, `${sid}0`), jambonzSignatureHeader(ACCOUNTS[1].secret, signed))).status;
          },
        },
        {
          name: 'a signature dated more than 300 s ahead',
          send: async () => {
            const raw = JSON.stringify(info(sid, 1, fieldsFor('incoming')));
            return (await post(`${switchboardUrl}/v1/jambonz/call`, raw, jambonzSignatureHeader(ACCOUNTS[1].secret, raw, now() + 301))).status;
          },
        },
        { name: 'a connect hook whose seal was altered', send: () => signedPost(connectPath(sid).replace(/seal=[0-9a-f]/, 'seal=x'), info(sid, 1, fieldsFor('wait'))) },
        { name: 'a connect hook sealed for another call', send: () => signedPost(connectPath(`${sid}-other`), info(sid, 1, fieldsFor('wait'))) },
        {
          name: 'a call-back hook sealed for another step',
          send: () => signedPost(callbackPath('callback-result', 'alice', callbackSeal(riverside, 'callback-staff', CALLBACK, 'alice')), info(sid, 1, fieldsFor('dial-no-answer'))),
        },
        {
          name: 'a call-back hook sealed for another member of staff',
          send: () => signedPost(callbackPath('callback-staff', 'alice', callbackSeal(riverside, 'callback-staff', CALLBACK, 'bob')), info(sid, 1, fieldsFor('wait'))),
        },
      ];
    },
  };
}
