import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import t from 'tap';
import { loadDirectoryFile, parseDirectory } from '../../../shared/directory/load.js';
import { DEMO_DIRECTORY } from '../../../services/switchboard/config.js';
import { directoryProblems, EXAMPLE_FILE, EXAMPLE_YAML } from '../../fixtures/directories.js';

const problems = directoryProblems;

t.test("the issue's example loads unchanged, with documented defaults", async (t) => {
  const d = loadDirectoryFile(EXAMPLE_FILE);
  const p = d.practiceByNumber('+441375100001')!;
  t.equal(p.ods, 'F81001');
  t.equal(p.announceEverySeconds, 30);
  t.equal(p.wrapUpSeconds, 15);
  t.equal(p.ringSeconds, 20, 'default ring time');
  t.equal(p.language, 'en-GB');
  t.equal(p.callRecordRetentionDays, 30);
  t.equal(d.shard(p), 'U12345', 'keys are sharded by PCN');
  t.same(d.staffTeamKeys(d.staff('bob')!), ['F81001.reception']);
  t.match(d.grantFor('alice-token'), { role: 'staff', staff: 'alice' });
  t.equal(d.grantFor('alice-token '), undefined);
});

t.test('the demo directory loads', async (t) => {
  const d = loadDirectoryFile(DEMO_DIRECTORY);
  t.equal(d.practices.length, 4, 'a PCN of four practices');
  t.ok(d.practices.every((p) => p.pcn === 'U12345'), 'one PCN of practices');
  t.same(d.data.pcns[0]!.teams.map((x) => x.id), ['medicines', 'hub'], 'a shared medicines team and a care-coordination hub');
  const riverside = d.practice('F81001')!;
  t.equal(d.team(riverside, 'reception')!.team.overflow[0]!.to, 'F81002.reception', 'Riverside overflows to Grays');
  t.equal(d.team(d.practice('F81002')!, 'reception')!.team.overflow[0]!.to, 'F81001.reception', 'and Grays to Riverside');
  t.ok(d.data.staff.some((s) => s.practice === 'F81002' && d.staffTeamKeys(s).includes('U12345.medicines')) && d.data.staff.some((s) => s.practice === 'F81001' && d.staffTeamKeys(s).includes('U12345.medicines')), 'the medicines team is served from two practices');
});

t.test('errors name the file, the line, the path and what is wrong', async (t) => {
  const p = problems(EXAMPLE_YAML.replace('accountSid: AC00000000000000000000000000000001', 'accountSid: AC123'));
  t.same(p, ['line 9: practices[0].provider.accountSid: "AC123" is not valid here (a Twilio Account SID: AC followed by 32 hex digits)']);
  t.match(problems(EXAMPLE_YAML.replace('wrapUpSeconds: 15', 'wrapUpSeconds: lots')), ['line 11: practices[0].wrapUpSeconds: must be integer']);
  t.match(problems(EXAMPLE_YAML.replace('announceEverySeconds: 30', 'announceEvrySeconds: 30')), [/line 5: practices\[0\]: unknown key "announceEvrySeconds"/]);
  t.match(problems(EXAMPLE_YAML.replace('numbers: ["+441375100001"]', 'numbers: ["01375 100001"]')), [/line 8: practices\[0\]\.numbers\[0\]: "01375 100001" is not valid here \(a phone number in E\.164 form/]);
  t.match(problems(EXAMPLE_YAML.replace('teams: [reception] }\n  - { id: bob', 'teams: [pharmacy] }\n  - { id: bob')), [/staff\[0\]\.teams\[0\]: team pharmacy is not a team of practice F81001/]);
  t.match(problems(EXAMPLE_YAML.replace('practice: F81001, endpoint: "+44', 'practice: F81009, endpoint: "+44')), [/staff\[1\]\.practice: practice F81009 is not in practices/]);
  t.match(problems(EXAMPLE_YAML.replace('pcn: U12345', 'pcn: U99999')), [/practices\[0\]\.pcn: PCN U99999 is not in pcns/]);
  t.match(problems(EXAMPLE_YAML.replace('role: staff, staff: alice', 'role: staff, staff: zoe')), [/access\[1\]\.staff: staff zoe is not in staff/]);
  t.match(problems(EXAMPLE_YAML.replace('alice-token', 'riverside-practice-token')), [/access\[1\]\.token: this token is given twice/]);
  t.match(problems(EXAMPLE_YAML.replace('role: practice, practice: F81001', 'role: practice')), [/access\[0\]: "practice" is required/]);
  t.match(problems(EXAMPLE_YAML.replace('kind: twilio', 'kind: skype')), [/provider\.kind: must be one of "twilio", "jambonz"/]);
  t.match(problems('practices: [\n'), [/YAML syntax/]);
  t.match(problems('icb: { code: QH8, name: X }\n'), [/\(top level\): "practices" is required/]);
  const many = problems(EXAMPLE_YAML.replace('authToken: riverside-secret', 'authToken: short').replace('name: Alice', 'name: ""'));
  t.equal(many.length, 2, 'every problem is reported at once');
});

t.test('the service refuses to start on an invalid directory, saying why', async (t) => {
  const dir = t.testdir({ 'bad.yaml': EXAMPLE_YAML.replace('wrapUpSeconds: 15', 'wrapUpSeconds: -1') });
  const file = `${dir}/bad.yaml`;
  const run = spawnSync(process.execPath, ['dist/services/switchboard/main.js'], { env: { ...process.env, DIRECTORY_FILE: file, PORT: '0' }, encoding: 'utf8', timeout: 20_000 });
  t.equal(run.status, 1, 'exits 1');
  t.match(run.stderr, `${file}: the directory is not valid`);
  t.match(run.stderr, 'line 11: practices[0].wrapUpSeconds: must be >= 0');
  writeFileSync(file, EXAMPLE_YAML);
  const badEnv = spawnSync(process.execPath, ['dist/services/switchboard/main.js'], { env: { ...process.env, DIRECTORY_FILE: file, PORT: 'eighty' }, encoding: 'utf8', timeout: 20_000 });
  t.equal(badEnv.status, 1);
  t.match(badEnv.stderr, 'PORT=eighty: must be a whole number from 0 to 65535');
});

const JAMBONZ = 'provider: { kind: jambonz, accountSid: 4a0f2b1c-5d6e-4f70-8a9b-0c1d2e3f4a01, apiKey: 5b1e3c2d-6e7f-4a81-9bac-1d2e3f4a5b01, webhookSecret: wh_secret_riverside }';
const onJambonz = (block = JAMBONZ) => EXAMPLE_YAML.replace(/provider: \{ kind: twilio[^}]*\}/, block);

t.test('a practice on jambonz: accountSid, apiKey and webhookSecret, validated like the rest', async (t) => {
  const p = parseDirectory(onJambonz(), 'jambonz.yaml').practice('F81001')!;
  t.same(p.provider, { kind: 'jambonz', accountSid: '4a0f2b1c-5d6e-4f70-8a9b-0c1d2e3f4a01', apiKey: '5b1e3c2d-6e7f-4a81-9bac-1d2e3f4a5b01', webhookSecret: 'wh_secret_riverside' });
  t.equal(parseDirectory(onJambonz(JAMBONZ.replace(' }', ', ttsVendor: google }')), 'x').practice('F81001')!.provider.kind, 'jambonz', 'ttsVendor is optional');
  t.same(problems(onJambonz(JAMBONZ.replace('accountSid: 4a0f2b1c-5d6e-4f70-8a9b-0c1d2e3f4a01', 'accountSid: AC00000000000000000000000000000001'))), [
    'line 9: practices[0].provider.accountSid: "AC00000000000000000000000000000001" is not valid here (a jambonz account_sid: a UUID)',
  ]);
  t.same(problems(onJambonz(JAMBONZ.replace(', webhookSecret: wh_secret_riverside', ''))), ['line 9: practices[0].provider: "webhookSecret" is required']);
  t.same(problems(onJambonz(JAMBONZ.replace('apiKey: 5b1e3c2d-6e7f-4a81-9bac-1d2e3f4a5b01', 'apiKey: key'))), ['line 9: practices[0].provider.apiKey: "key" is not valid here (a jambonz API key: a UUID)']);
  t.same(problems(onJambonz(JAMBONZ.replace(' }', ', authToken: riverside-secret }'))), ['line 9: practices[0].provider: unknown key "authToken"'], 'a Twilio key on a jambonz block is an error');
  t.same(problems(onJambonz(JAMBONZ.replace(' }', ', ttsVendor: "Google TTS" }'))), ['line 9: practices[0].provider.ttsVendor: "Google TTS" is not valid here (a jambonz speech vendor such as google or microsoft)']);
  t.same(problems(EXAMPLE_YAML.replace(', authToken: riverside-secret', ', webhookSecret: riverside-secret')), ['line 9: practices[0].provider: "authToken" is required', 'line 9: practices[0].provider: unknown key "webhookSecret"'], 'and the other way round');
});

t.test('the service will not start with practices on jambonz and no JAMBONZ_API_BASE', async (t) => {
  const dir = t.testdir({ 'jambonz.yaml': onJambonz() });
  const run = spawnSync(process.execPath, ['dist/services/switchboard/main.js'], { env: { ...process.env, DIRECTORY_FILE: `${dir}/jambonz.yaml`, PORT: '0', JAMBONZ_API_BASE: '' }, encoding: 'utf8', timeout: 20_000 });
  t.equal(run.status, 1, 'exits 1');
  t.match(run.stderr, 'JAMBONZ_API_BASE must be set: practices F81001 are on jambonz');
});
