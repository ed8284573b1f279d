import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ConfigError, configFromEnv } from '../../../services/switchboard/config.js';
import { createClock } from '../../../shared/clock.js';
import { projectRoot } from '../../../shared/paths.js';

const root = projectRoot();

t.test('docs/configuration.md lists exactly the variables config.ts reads', async (t) => {
  const source = readFileSync(join(root, 'services/switchboard/config.ts'), 'utf8');
  const read = new Set([...source.matchAll(/env\.([A-Z_]+)|env\['([A-Z_]+)'\]|(?:int|url)\('([A-Z_]+)'/g)].map((m) => m[1] ?? m[2] ?? m[3]));
  const documented = new Set([...readFileSync(join(root, 'docs/configuration.md'), 'utf8').matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]));
  t.ok(read.size >= 13, `${read.size} variables found in config.ts`);
  t.same([...read].sort(), [...documented].sort());
});

t.test('cluster nodes and the new timings are validated with a sentence', async (t) => {
  const config = configFromEnv({ REDIS_CLUSTER_NODES: 'redis-0:6379, 10.0.0.2:7000,[::1]:7001' });
  t.same(config.redisClusterNodes, [{ host: 'redis-0', port: 6379 }, { host: '10.0.0.2', port: 7000 }, { host: '::1', port: 7001 }]);
  t.equal(config.redisCommandTimeoutMs, 2000);
  t.equal(config.shutdownDrainMs, 3000);
  const problems = (env: Record<string, string>) => {
    try {
      configFromEnv(env);
    } catch (err) {
      t.ok(err instanceof ConfigError, 'a ConfigError');
      return err as ConfigError;
    }
    throw new Error(`accepted ${JSON.stringify(env)}`);
  };
  t.match(problems({ REDIS_CLUSTER_NODES: 'redis-0' }).message, /REDIS_CLUSTER_NODES: "redis-0" must be host:port/);
  t.match(problems({ REDIS_CLUSTER_NODES: 'redis-0:99999' }).message, /REDIS_CLUSTER_NODES: "redis-0:99999"/);
  t.match(problems({ REDIS_COMMAND_TIMEOUT_MS: '20000' }).message, /REDIS_COMMAND_TIMEOUT_MS=20000: must be a whole number from 100 to 10000/);
  t.match(problems({ SHUTDOWN_DRAIN_MS: '9000' }).message, /SHUTDOWN_DRAIN_MS=9000: must be a whole number from 0 to 8000/);
  t.match(problems({ REQUEST_TIMEOUT_MS: '0' }).message, /REQUEST_TIMEOUT_MS=0: must be a whole number from 1000 to 600000/, 'a request timeout cannot be turned off');
  t.match(problems({ AUTH_FAILURE_LIMIT: '0' }).message, /AUTH_FAILURE_LIMIT=0: must be a whole number from 1 to 10000/);
  t.match(problems({ TRUST_PROXY: 'the balancer' }).message, /TRUST_PROXY=the balancer: must be true, false, or the proxies' addresses or CIDRs/);
  t.match(configFromEnv({}), { requestTimeoutMs: 30_000, authFailureLimit: 20, authFailureWindowSeconds: 60, trustProxy: true }, 'the documented defaults');
  t.equal(configFromEnv({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy, '10.0.0.0/8, 127.0.0.1');
  const both = problems({ SHUTDOWN_DRAIN_MS: 'soon', PORT: '-1' }).message;
  t.match(both, /SHUTDOWN_DRAIN_MS=soon/);
  t.match(both, /PORT=-1/, 'every problem is reported at once');
});

t.test('the service refuses to start on a bad value, naming it', async (t) => {
  const run = spawnSync(process.execPath, ['dist/services/switchboard/main.js'], { cwd: root, env: { ...process.env, REDIS_CLUSTER_NODES: 'redis-0,redis-1' }, encoding: 'utf8', timeout: 120_000 });
  t.equal(run.status, 1);
  t.match(run.stderr, /switchboard: invalid configuration:\n {2}REDIS_CLUSTER_NODES: "redis-0" must be host:port/);
});

t.test('JAMBONZ_API_BASE: no default (jambonz is self-hosted), checked as a URL when given', async (t) => {
  t.equal(configFromEnv({}).jambonzApiBase, '', 'unset: empty, and the service insists on it only when a practice is on jambonz');
  t.equal(configFromEnv({ JAMBONZ_API_BASE: 'https://jambonz.example.nhs.uk/api/' }).jambonzApiBase, 'https://jambonz.example.nhs.uk/api', 'a trailing slash is dropped');
  t.throws(() => configFromEnv({ JAMBONZ_API_BASE: 'ftp://jambonz.example' }), new ConfigError('invalid configuration:\n  JAMBONZ_API_BASE=ftp://jambonz.example: must be a http: or https: URL'));
  t.throws(() => configFromEnv({ JAMBONZ_API_BASE: 'jambonz' }), { message: /JAMBONZ_API_BASE=jambonz: is not a URL/ });
});

t.test('CLOCK_START: a simulation clock that starts at a given instant', async (t) => {
  t.equal(configFromEnv({}).clockStart, undefined, 'by default the clock reads now');
  t.equal(configFromEnv({ CLOCK_START: '2026-11-30T08:00:00Z' }).clockStart, Date.parse('2026-11-30T08:00:00Z'));
  t.throws(() => configFromEnv({ CLOCK_START: 'last monday' }), /CLOCK_START=last monday: must be a date and time/);
  // A clock a week back reads a week back (the real time since its start added, at speed 1).
  const weekAgo = Date.now() - 7 * 86_400_000;
  const before = Date.now();
  const clock = createClock(1, before, weekAgo);
  t.ok(clock.now() - weekAgo <= Date.now() - before, 'no further on than the real time since it started');
  t.ok(clock.now() < before, 'a week behind the real clock');
});
