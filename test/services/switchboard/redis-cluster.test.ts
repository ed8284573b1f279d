import { spawnSync } from 'node:child_process';
import { Cluster } from 'ioredis';
import t from 'tap';
import { parseDirectory } from '../../../shared/directory/load.js';
import { FakeTwilio, type FakeCall } from '../../fakes/twilio.js';
import { privateRedisCluster } from '../../helpers/cluster.js';
import { startSwitchboard } from '../../helpers/switchboard.js';

// Three PCNs whose hash tags fall in the three masters' slot ranges (0–5460, 5461–10922,
// 10923–16383 as `redis-cli --cluster create` splits them): U00002 → 1459, U12345 → 10233, U00001 → 13776.
const PCNS = ['U00002', 'U12345', 'U00001'];
const practiceYaml = (pcn: string, i: number) => `
  - ods: F8100${i}
    name: Practice ${i}
    pcn: ${pcn}
    numbers: ["+44137510000${i}"]
    provider: { kind: twilio, accountSid: AC0000000000000000000000000000000${i}, authToken: secret-${i} }
    announceEverySeconds: 30
    wrapUpSeconds: 1
    teams:
      - { id: reception, name: Reception }`;
const directory = parseDirectory(
  `icb: { code: QH8, name: Mid and South Essex ICB }
pcns:
${PCNS.map((pcn) => `  - { code: ${pcn}, name: PCN ${pcn} }`).join('\n')}
practices:${PCNS.map(practiceYaml).join('')}
staff:
${PCNS.map((_, i) => `  - { id: staff${i}, name: Staff ${i}, practice: F8100${i}, endpoint: "sip:staff${i}@example.org", teams: [reception] }`).join('\n')}
access:
${PCNS.map((_, i) => `  - { token: practice-token-${i}, role: practice, practice: F8100${i} }`).join('\n')}
`,
  'cluster-test',
);

t.test('the core call path runs on a 3-master Redis Cluster, each PCN in one slot', async (t) => {
  const cluster = await privateRedisCluster(t);
  const twilio = await new FakeTwilio().start();
  t.teardown(() => twilio.stop());
  const sb = await startSwitchboard(t, { directory, twilio, env: { REDIS_CLUSTER_NODES: cluster.env } });
  t.ok(sb.redis instanceof Cluster, 'REDIS_CLUSTER_NODES gives a cluster connection');

  await Promise.all(
    PCNS.map(async (_, i) => {
      const ods = `F8100${i}`;
      const token = `practice-token-${i}`;
      t.equal((await sb.api('PUT', `/v1/staff/staff${i}/presence`, token, { state: 'available' })).status, 200);
      const callers: FakeCall[] = [];
      for (let n = 0; n < 3; n++) callers.push(await twilio.placeCall(`+4477009${i}000${n}`, `+44137510000${i}`));
      const [c1, c2, c3] = callers as [FakeCall, FakeCall, FakeCall];
      await twilio.waitFor(`${ods}: caller 1 bridged`, () => c1.bridged);
      t.same([c2, c3].map((c) => c.positions[0]), [1, 2], `${ods}: exact positions`);
      // Wrap-up release and the live-call connect (dispatch, one script) run in the cluster.
      twilio.staffHangsUp(c1);
      await twilio.waitFor(`${ods}: caller 2 bridged after wrap-up`, () => c2.bridged);
      twilio.staffHangsUp(c2);
      await twilio.waitFor(`${ods}: caller 3 bridged after wrap-up`, () => c3.bridged);
      await twilio.hangUp(c3);
      for (const c of callers) t.same(c.errors, [], `${ods}: caller ${c.from} heard no error`);
      const res = await sb.api('GET', `/v1/practices/${ods}/calls`, token);
      t.same((res.body.calls as { outcome: string }[]).map((r) => r.outcome), ['answered', 'answered', 'answered'], `${ods}: three records read with a pipeline`);
    }),
  );

  // Each master holds the keys of exactly one PCN: every key carries its PCN's hash tag.
  for (const node of cluster.nodes) {
    const keys = spawnSync('redis-cli', ['-p', String(node.port), '--scan'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    const tags = new Set(keys.map((k) => /^sb:\{([^}]+)\}:/.exec(k)?.[1] ?? `untagged ${k}`));
    // The call-back and recording-retention schedulers' BullMQ queues each have a tag of their own, on whichever node it falls.
    tags.delete('callbacks');
    tags.delete('recordings');
    t.equal(tags.size, 1, `node ${node.port} holds one PCN's keys: ${[...tags].join(', ')}`);
  }
  const metrics = await fetch(`${sb.url}/metrics`).then((r) => r.text());
  t.match(metrics, /switchboard_staff\{practice="F81002",presence="available",activity="wrap-up"\} 1|switchboard_staff\{practice="F81002",presence="available",activity="idle"\} 1/, 'metrics read each shard from its node');
});
