import t from 'tap';
import { loadScenario, parseScenario, scenarioNames } from '../../loadtest/scenario.js';
import { scenarioDirectory } from '../../loadtest/directory.js';
import { parseDirectory } from '../../shared/directory/load.js';

t.test('every shipped scenario loads, and its generated directory is one the service accepts', async (t) => {
  t.same(scenarioNames(), ['monday-8am-england', 'monday-8am-icb', 'monday-8am-pcn', 'monday-8am-practice', 'monday-8am-small-practice']);
  for (const name of scenarioNames()) {
    const scenario = loadScenario(name);
    const { yaml, practices } = scenarioDirectory(scenario, Math.min(scenario.practices.count, 10));
    const directory = parseDirectory(yaml, name);
    t.equal(directory.practices.length, practices.length, `${name}: every practice is in the directory`);
    t.ok(practices.every((p) => (directory.practice(p.ods)?.menu !== undefined) === (scenario.practices.menu !== undefined)), `${name}: each practice has the scenario's menu, or none when it has none`);
  }
});

t.test('a scenario without a menu needs no keypad: its callers go straight to reception', async (t) => {
  const small = loadScenario('monday-8am-small-practice');
  t.equal(small.practices.menu, undefined);
  t.same(small.callers.keypad, []);
});

t.test('a PCN-wide team is one team for the PCN, staffed from its first practice', async (t) => {
  const scenario = loadScenario('monday-8am-pcn');
  const { yaml, practices } = scenarioDirectory(scenario);
  const directory = parseDirectory(yaml, 'pcn');
  t.same(practices.map((p) => p.teamStaff.length), [2, 0, 0, 0, 0], 'two medicines staff, all at the first practice');
  const medicines = directory.teamsOfShard(directory.shard(directory.practice(practices[3]!.ods)!)).filter((team) => team.team.id === 'medicines');
  t.equal(medicines.length, 1, 'the five practices share one medicines team');
});

t.test('scenario mistakes are refused with every problem named', async (t) => {
  const good = loadScenario('monday-8am-practice');
  const text = JSON.stringify({
    ...good,
    callers: { ...good.callers, keypad: [{ digits: '1', share: 0.5 }, { digits: '7', share: 0.3 }], callbackUptake: 2 },
    practices: { ...good.practices, menu: { prompt: 'Press 1.', options: { '1': 'reception', '2': 'pharmacy' } } },
  });
  t.throws(() => parseScenario(text, 'bad'), {
    message: 'scenario bad: callers.callbackUptake must be a number from 0 to 1; practices.menu.options.2: no team "pharmacy" (there are: reception, prescriptions); callers.keypad: 7 is not an option of practices.menu; callers.keypad shares must add up to 1, not 0.8',
  });
  const noMenu = JSON.stringify({ ...good, practices: { ...good.practices, menu: undefined } });
  t.throws(() => parseScenario(noMenu, 'bad'), { message: /callers.keypad is given but practices.menu is not/ });
});
