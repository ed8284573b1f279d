import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { DirectoryError, loadDirectoryFile } from '../../../shared/directory/load.js';
import { EXAMPLE_YAML } from '../../fixtures/directories.js';

const file = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'switchboard-secrets-')), 'directory.yaml');
  writeFileSync(path, text);
  return path;
};
const withPlaceholders = EXAMPLE_YAML.replace('authToken: riverside-secret', 'authToken: ${RIVERSIDE_AUTH_TOKEN}').replace('token: riverside-practice-token', 'token: ${RIVERSIDE_PRACTICE_TOKEN}');

t.test('placeholders are filled from the environment, as a Secret would supply them', async (t) => {
  const secret = 'a "quoted" token: with # and, commas}';
  const directory = loadDirectoryFile(file(withPlaceholders), { RIVERSIDE_AUTH_TOKEN: secret, RIVERSIDE_PRACTICE_TOKEN: 'from-the-secret' });
  const practice = directory.practice('F81001')!;
  t.equal((practice.provider as { authToken: string }).authToken, secret, 'any characters survive');
  t.ok(directory.grantFor('from-the-secret'), 'bearer tokens too');
  t.notOk(directory.grantFor('riverside-practice-token'));
});

t.test('an unset variable stops the load with the line it is on', async (t) => {
  const err = t.throws(() => loadDirectoryFile(file(withPlaceholders), { RIVERSIDE_AUTH_TOKEN: 'x' })) as DirectoryError;
  t.ok(err instanceof DirectoryError);
  t.match(err.message, /line \d+: \$\{RIVERSIDE_PRACTICE_TOKEN\} is not set in the environment/);
});

t.test('a file without placeholders loads as before', async (t) => {
  t.equal((loadDirectoryFile(file(EXAMPLE_YAML), {}).practice('F81001')?.provider as { authToken: string }).authToken, 'riverside-secret');
});
