import t from 'tap';
import { DEFAULT_OUT_OF_HOURS } from '../../../shared/directory/schema.js';
import { directoryProblems, PCN_YAML, pcnDirectory } from '../../fixtures/directories.js';

const problems = directoryProblems;

t.test('routing keys load with their defaults', async (t) => {
  const d = pcnDirectory();
  const riverside = d.practice('F81001')!;
  t.equal(riverside.menu?.options['4'] && 'menu' in riverside.menu.options['4'] ? riverside.menu.options['4'].menu.attempts : 0, 3, 'a nested menu gets the default 3 attempts');
  t.equal(riverside.menu?.timeoutSeconds, 3);
  t.equal(riverside.outOfHoursMessage, DEFAULT_OUT_OF_HOURS, 'NHS 111 / 999 by default');
  t.match(DEFAULT_OUT_OF_HOURS, /NHS 111.*999/);
  t.same(d.staffTeams(d.staff('bob')!), [{ key: 'U12345.medicines', priority: 1 }, { key: 'F81001.reception', priority: 2 }]);
  t.same(d.staffTeamKeys(d.staff('pat')!), ['U12345.medicines'], 'staff of any member practice can serve a PCN team');
  t.same(d.teamsOfShard('U12345').map((x) => x.key).sort(), ['F81001.professionals', 'F81001.reception', 'F81002.reception', 'U12345.hub', 'U12345.medicines']);
  t.equal(d.team(riverside, 'F81002.reception')?.practice?.ods, 'F81002', 'a sibling practice team by its key');
  t.equal(d.team(riverside, 'F99999.reception'), undefined);
});

t.test('bad routing is refused with file, line and path', async (t) => {
  const bad = PCN_YAML.replace('"2": { team: medicines }\n        "3"', '"2": { team: pharmacy }\n        "3"')
    .replace('to: F81002.reception, afterSeconds: 300, whenMoreThan: 3', 'to: F99999.reception, afterSeconds: 300')
    .replace('mon: ["08:00-13:00", "14:00-18:30"]', 'mon: ["13:00-08:00", "14:00-18:30"]')
    .replace('{ name: Care homes, from: ["+447700900999"] }', '{ name: Care homes, from: ["+447700900999"], team: nobody }')
    .replace('to: ["+441375100011"]', 'to: ["+441375999999"]')
    .replace('teams: [{ team: medicines, priority: 1 }', 'teams: [{ team: medicine, priority: 1 }');
  const p = problems(bad);
  t.match(p.join('\n'), /line \d+: practices\[0\]\.menu\.options\.2\.team: team pharmacy is not a team of F81001 or its PCN/);
  t.match(p.join('\n'), /practices\[0\]\.teams\[0\]\.overflow\[0\]\.to: team F99999\.reception is not a team of this PCN/);
  t.match(p.join('\n'), /practices\[0\]\.hours\.mon\[0\]: 13:00-08:00 closes before it opens/);
  t.match(p.join('\n'), /priorityLines\[0\]\.team: team nobody is not a team/);
  t.match(p.join('\n'), /priorityLines\[1\]\.to\[0\]: \+441375999999 is not one of this practice's numbers/);
  t.match(p.join('\n'), /staff\[1\]\.teams\[0\]: team medicine is not a team of practice F81001 or of its PCN/);

  const shapes = problems(PCN_YAML.replace('"3": { say:', '"X": { say:').replace('mon: ["08:00-13:00", "14:00-18:30"]', 'mon: ["8am-1pm"]').replace('{ id: hub, name: the care coordination hub }', '{ id: hub, name: the care coordination hub, overflow: [{ to: medicines }] }'));
  t.match(shapes.join('\n'), /menu\.options: unknown key "X"/, 'menu keys are 0-9, * and #');
  const twoActions = problems(PCN_YAML.replace('"1": { team: hub }', '"1": { team: hub, say: Hello }'));
  t.match(twoActions.join('\n'), /line \d+: practices\[0\]\.menu\.options\[4\]\.menu\.options\[1\]: a menu option needs exactly one of team, say, menu or transfer/);
  t.match(shapes.join('\n'), /hours\.mon\[0\]: "8am-1pm" is not valid here \(a time range such as 08:00-18:30\)/);
  t.match(shapes.join('\n'), /overflow\[0\]: needs afterSeconds or whenMoreThan \(or both\)/, 'an overflow rule needs afterSeconds or whenMoreThan');
  const clash = problems(PCN_YAML.replace('- { id: professionals, name: the professionals line }', '- { id: hub, name: Our hub }'));
  t.match(clash.join('\n'), /team hub is also a team of PCN U12345/);
});
