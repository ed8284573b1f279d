import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { loadDirectoryFile, parseDirectory } from '../../../shared/directory/load.js';
import { DEMO_DIRECTORY } from '../../../services/switchboard/config.js';
import { directoryProblems, EXAMPLE_YAML } from '../../fixtures/directories.js';
import { projectRoot } from '../../../shared/paths.js';

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

t.test('the README\'s demo tokens work against the demo directory, which holds only their digests', async (t) => {
  const d = loadDirectoryFile(DEMO_DIRECTORY);
  t.match(d.grantFor('riverside-practice-token'), { role: 'practice', practice: 'F81001', kind: 'machine', readOnly: false });
  t.match(d.grantFor('alice-token'), { role: 'staff', staff: 'alice', kind: 'machine', actor: 'token:staff:alice' });
  t.match(d.grantFor('mse-icb-token'), { role: 'icb', icb: 'QH8' });
  t.equal(d.grantFor('riverside-practice-token '), undefined);
  t.equal(d.grantFor(digest('riverside-practice-token')), undefined, 'the digest itself is not a token');
  t.same(d.warnings, [], 'no plain tokens, so no warnings');
});

t.test('plain tokens still work, each with a warning', async (t) => {
  const d = parseDirectory(EXAMPLE_YAML, 'example');
  t.match(d.grantFor('alice-token'), { role: 'staff', staff: 'alice', kind: 'machine' });
  t.equal(d.warnings.length, d.data.access.length);
  t.match(d.warnings[0], /access\[0\] \(practice:F81001\) holds a plain token: store its digest instead \(tokenSha256: …, made by npm run hash-token\)/);
});

t.test('people are found by their identity, whatever its case; machines by token', async (t) => {
  const d = parseDirectory(
    EXAMPLE_YAML.replace('teams: [reception] }', 'teams: [reception], identity: Alice@NHS.net }').replace(
      'access:\n',
      `access:\n  - { identity: pm@nhs.net, role: practice, practice: F81001 }\n  - { name: prometheus, tokenSha256: ${digest('scrape-token-123')}, role: practice, practice: F81001, readOnly: true }\n`,
    ),
    'people',
  );
  t.match(d.grantForIdentity('alice@nhs.net'), { role: 'staff', staff: 'alice', kind: 'person', actor: 'staff:alice', readOnly: false });
  t.match(d.grantForIdentity('PM@nhs.net'), { role: 'practice', practice: 'F81001', kind: 'person', actor: 'oidc:pm@nhs.net' });
  t.equal(d.grantForIdentity('nobody@nhs.net'), undefined);
  t.match(d.grantFor('scrape-token-123'), { kind: 'machine', actor: 'token:prometheus', readOnly: true });
  t.same(Object.fromEntries(d.personRoles()), { 'alice@nhs.net': 'staff:alice', 'pm@nhs.net': 'practice:F81001' });
});

t.test('access entries that cannot be right are refused, saying why', async (t) => {
  const withAccess = (entries: string) => EXAMPLE_YAML.replace('access:\n', `access:\n${entries}`);
  t.match(directoryProblems(withAccess('  - { role: practice, practice: F81001 }\n')), [/access\[0\]: needs exactly one of token or tokenSha256 \(a machine\) or identity \(a person\)/]);
  t.match(directoryProblems(withAccess(`  - { token: abcdefgh-1, tokenSha256: ${digest('x')}, role: practice, practice: F81001 }\n`)), [/access\[0\]: needs exactly one of/]);
  t.match(directoryProblems(withAccess('  - { tokenSha256: ABC, role: practice, practice: F81001 }\n')), [/access\[0\]\.tokenSha256: "ABC" is not valid here \(the SHA-256 digest of the token: 64 lower-case hex digits \(npm run hash-token\)\)/]);
  t.match(directoryProblems(withAccess(`  - { tokenSha256: ${digest('alice-token')}, role: practice, practice: F81001 }\n`)), [/access\[2\]\.token: this token is given twice/], 'a digest of a token given plainly too');
  t.match(directoryProblems(withAccess('  - { identity: pm@nhs.net, role: practice, practice: F81001 }\n  - { identity: PM@nhs.net, role: pcn, pcn: U12345 }\n')), [/access\[1\]\.identity: identity PM@nhs.net is given twice: a person signs in to one role/]);
  t.match(directoryProblems(withAccess('  - { identity: pm@nhs.net, role: practice, practice: F81001, readOnly: true }\n')), [/access\[0\]: name and readOnly are for machines' tokens/]);
  t.match(directoryProblems(withAccess('  - { identity: alice@nhs.net, role: staff, staff: alice }\n')), [/access\[0\]\.identity: give staff member alice their identity in staff, not in access/]);
});

t.test('signIn: defaults, and what is refused', async (t) => {
  const block = (lines: string) => `${EXAMPLE_YAML}\nsignIn:\n${lines}`;
  const base = '  issuer: https://login.microsoftonline.com/tenant/v2.0\n  clientId: abc\n  clientSecret: s3cret\n  cookieSecret: 0123456789abcdef0123456789abcdef\n';
  t.match(parseDirectory(block(base)).data.signIn, { claim: 'email', scopes: 'openid profile email', sessionHours: 8, idleMinutes: 30 });
  t.match(directoryProblems(block(base.replace('https://login', 'http://login'))), [/signIn\.issuer: .* \(an https:\/\/ issuer URL \(http:\/\/ only on 127\.0\.0\.1 or localhost, for testing\)\)/]);
  t.match(directoryProblems(block(base.replace('0123456789abcdef0123456789abcdef', 'short'))), [/signIn\.cookieSecret: must NOT have fewer than 32 characters/]);
  t.match(directoryProblems(block(`${base}  scopes: profile email\n`)), [/signIn\.scopes: .*space-separated scopes starting with openid/]);
});

t.test('npm run hash-token makes the digest the directory stores', async (t) => {
  const run = (args: string[], input?: string) => spawnSync(process.execPath, ['scripts/hash-token.mjs', ...args], { cwd: projectRoot(), input, encoding: 'utf8' });
  t.equal(run([], 'riverside-practice-token').stdout, `tokenSha256: ${digest('riverside-practice-token')}\n`, 'from standard input');
  t.equal(run(['riverside-practice-token']).stdout, `tokenSha256: ${digest('riverside-practice-token')}\n`, 'or the command line');
  const fresh = run(['--new']).stdout;
  const [, token, sha] = /token \(give it to the machine, keep it secret\): (\S+)\ntokenSha256: ([0-9a-f]{64})\n/.exec(fresh)!;
  t.equal(sha, digest(token!), 'a new random token and its digest');
  t.ok(token!.length >= 43, '256 bits');
  const short = run(['short']);
  t.equal(short.status, 1);
  t.match(short.stderr, /at least 8 characters/);
});
