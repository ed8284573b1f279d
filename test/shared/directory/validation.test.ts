import { spawnSync } from 'node:child_process';
import t from 'tap';
import { DirectoryError, parseDirectory } from '../../../shared/directory/load.js';
import { directoryProblems as problems, EXAMPLE_YAML } from '../../fixtures/directories.js';

const withHours = (hours: string) => EXAMPLE_YAML.replace('wrapUpSeconds: 15', `wrapUpSeconds: 15\n    hours: ${hours}`);

t.test('a YAML syntax error is reported once, at file:line:col', async (t) => {
  // One space too many before a key: the parser's own errors would cascade from here.
  const wrongIndent = EXAMPLE_YAML.replace('\n    wrapUpSeconds: 15', '\n     wrapUpSeconds: 15');
  const err = t.throws(() => parseDirectory(wrongIndent, 'bad.yaml')) as DirectoryError;
  t.ok(err instanceof DirectoryError);
  t.same(err.problems, ['line 10:27: YAML syntax error: Nested mappings are not allowed in compact mappings']);
  t.equal(err.message, 'bad.yaml:10:27: YAML syntax error: Nested mappings are not allowed in compact mappings', 'one line, file:line:col first');

  const unclosed = problems('icb: { code: QH8, name: X }\npractices: [\n  { ods: F81001 \n');
  t.equal(unclosed.length, 1, 'an unclosed list: one problem');
  t.match(unclosed[0], /^line \d+:\d+: YAML syntax error: /);
  t.same(problems('icb: QH8\n\tpractices: []\n'), ['line 2:1: YAML syntax error: Tabs are not allowed as indentation'], 'a tab');
});

t.test('the service says a syntax error in one line and exits 1', async (t) => {
  const dir = t.testdir({ 'bad.yaml': EXAMPLE_YAML.replace('\n    wrapUpSeconds: 15', '\n     wrapUpSeconds: 15') });
  const run = spawnSync(process.execPath, ['dist/services/switchboard/main.js'], { env: { ...process.env, DIRECTORY_FILE: `${dir}/bad.yaml`, PORT: '0' }, encoding: 'utf8', timeout: 90_000 }); // a safety net only: a cold start on a loaded machine takes seconds
  t.equal(run.status, 1);
  t.equal(run.stderr, `switchboard: ${dir}/bad.yaml:10:27: YAML syntax error: Nested mappings are not allowed in compact mappings\n`);
});

t.test('overlapping opening hours are refused, naming both ranges', async (t) => {
  t.same(problems(withHours('{ mon: ["07:00-12:00", "11:30-23:00"] }')), ['line 12: practices[0].hours.mon[1]: 11:30-23:00 overlaps 07:00-12:00: give each time of day once']);
  t.same(problems(withHours('{ tue: ["14:00-18:30", "08:00-15:00"] }')), ['line 12: practices[0].hours.tue[0]: 14:00-18:30 overlaps 08:00-15:00: give each time of day once'], 'in any order');
  t.same(problems(withHours('{ wed: ["07:00-20:00", "08:00-09:00", "10:00-11:00"] }')), [
    'line 12: practices[0].hours.wed[1]: 08:00-09:00 overlaps 07:00-20:00: give each time of day once',
    'line 12: practices[0].hours.wed[2]: 10:00-11:00 overlaps 07:00-20:00: give each time of day once',
  ], 'each range inside a long one');
  t.same(problems(withHours('{ bankHolidays: ["10:00-12:00", "10:00-11:00"] }')), ['line 12: practices[0].hours.bankHolidays[0]: 10:00-12:00 overlaps 10:00-11:00: give each time of day once'], 'the same start');
  const teamHours = EXAMPLE_YAML.replace('{ id: reception, name: Reception }', '{ id: reception, name: Reception, hours: { fri: ["08:00-12:00", "11:00-13:00"] } }');
  t.match(problems(teamHours), [/practices\[0\]\.teams\[0\]\.hours\.fri\[1\]: 11:00-13:00 overlaps 08:00-12:00/], "a team's hours too");
  t.doesNotThrow(() => parseDirectory(withHours('{ wed: ["08:00-13:00", "13:00-18:30"], sat: ["00:00-24:00"] }')), 'ranges that only touch are fine');
});

t.test('a practice ods must look like an ODS practice code', async (t) => {
  for (const bad of ['F8100', 'F810011', 'f81001', 'X1234A', 'FF8100', 'RIVERSIDE']) {
    t.same(problems(EXAMPLE_YAML.replace('ods: F81001', `ods: ${bad}`)), [`line 5: practices[0].ods: "${bad}" is not valid here (an ODS practice code: one letter and five digits, such as F81001)`], bad);
  }
  t.equal(parseDirectory(EXAMPLE_YAML.replace(/F81001/g, 'Y02345')).practices[0]!.ods, 'Y02345');
});

t.test('problems are found in two passes: the file\'s shape, then what refers to what', async (t) => {
  // docs/directory.md says so: a shape problem hides reference problems until it is fixed.
  const both = EXAMPLE_YAML.replace('wrapUpSeconds: 15', 'wrapUpSeconds: lots').replace('role: staff, staff: alice', 'role: staff, staff: zoe');
  t.same(problems(both), ['line 11: practices[0].wrapUpSeconds: must be integer']);
  t.same(problems(both.replace('wrapUpSeconds: lots', 'wrapUpSeconds: 15')), ['line 19: access[1].staff: staff zoe is not in staff']);
  const twoShape = EXAMPLE_YAML.replace('wrapUpSeconds: 15', 'wrapUpSeconds: lots').replace('ods: F81001', 'ods: F8100').replace(/practice: F81001/g, 'practice: F8100');
  t.equal(problems(twoShape).length, 2, 'every problem of one pass at once');
  const twoReference = EXAMPLE_YAML.replace('role: staff, staff: alice', 'role: staff, staff: zoe').replace('{ id: reception, name: Reception }', '{ id: reception, name: Reception, hours: { fri: ["08:00-12:00", "11:00-13:00"] } }');
  t.equal(problems(twoReference).length, 2, 'and of the other');
});

t.test('call recording: off unless set; a mode, the announcement and one to six years of retention, each checked', async (t) => {
  const withRecording = (recording: string) => EXAMPLE_YAML.replace('wrapUpSeconds: 15', `wrapUpSeconds: 15\n    recording: ${recording}`);
  const practice = (yaml: string) => parseDirectory(yaml).practices[0]!;
  t.match(practice(EXAMPLE_YAML).recording, { mode: 'off', retentionDays: 2190 }, 'off, six years, by default');
  t.match(practice(withRecording('{ mode: answered }')).recording, { mode: 'answered', announcement: /recorded/, retentionDays: 2190 }, 'a default announcement');
  t.match(practice(withRecording('{ mode: answered-and-callbacks, announcement: "Calls are recorded.", retentionDays: 365 }')).recording, { mode: 'answered-and-callbacks', announcement: 'Calls are recorded.', retentionDays: 365 });
  t.same(problems(withRecording('{ mode: answered, retentionDays: 364 }')), ['line 12: practices[0].recording.retentionDays: 364 is out of range (whole days from 365 (one year) to 2190 (six years))'], 'less than a year: refused, saying the range');
  t.same(problems(withRecording('{ mode: answered, retentionDays: 2191 }')), ['line 12: practices[0].recording.retentionDays: 2191 is out of range (whole days from 365 (one year) to 2190 (six years))'], 'more than six years: refused');
  t.same(problems(withRecording('{ mode: always }')), ['line 12: practices[0].recording.mode: must be one of "off", "answered", "answered-and-callbacks"'], 'an unknown mode');
  t.same(problems(withRecording('{ mode: answered, announcement: "" }')), ['line 12: practices[0].recording.announcement: must NOT have fewer than 1 characters'], 'an empty announcement');
  t.same(problems(withRecording('{ mode: answered, keepFor: 30 }')), ['line 12: practices[0].recording: unknown key "keepFor"']);
});
