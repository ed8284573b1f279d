import t from 'tap';
import { loadDirectoryFile } from '../../../shared/directory/load.js';
import { resolveScope } from '../../../shared/live/scope.js';
import { DEMO_DIRECTORY } from '../../../services/switchboard/config.js';

const directory = loadDirectoryFile(DEMO_DIRECTORY);
const pcnTeams = directory.teamsOfShard('U12345').filter((t) => !t.practice).map((t) => t.key);

t.test("a practice's screen shows its own teams and its PCN's shared teams", async (t) => {
  t.ok(pcnTeams.length > 0, 'the demo PCN has shared teams');
  const { scope } = resolveScope(directory, { role: 'practice', practice: 'F81001' }, { practice: 'F81001' });
  t.ok(pcnTeams.every((k) => scope.teams.includes(k)), `F81001's screen includes ${pcnTeams.join(', ')}`);
  t.ok(scope.teams.includes('F81001.reception'));
  t.notOk(scope.teams.includes('F81002.reception'), "but not a neighbour's own teams");
  const pcn = resolveScope(directory, { role: 'pcn', pcn: 'U12345' }, { pcn: 'U12345' }).scope;
  t.ok(pcnTeams.every((k) => pcn.teams.includes(k)), "and the PCN's screen includes them too");
  const team = resolveScope(directory, { role: 'pcn', pcn: 'U12345' }, { team: pcnTeams[0]! }).scope;
  t.equal(team.practices.length, 4, 'a PCN team screen covers every member practice');
  t.throws(() => resolveScope(directory, { role: 'practice', practice: 'F81001' }, { team: pcnTeams[0]! }), /may not see/, "one practice's token cannot watch the whole PCN team");
});
