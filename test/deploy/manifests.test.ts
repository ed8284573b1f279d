import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { parse, parseAllDocuments } from 'yaml';
import { configFromEnv } from '../../services/switchboard/config.js';
import { SERVICE_NODE_FLAGS } from '../../services/switchboard/node-flags.js';
import { projectRoot } from '../../shared/paths.js';
import { loadDirectoryFile } from '../../shared/directory/load.js';
import { parsePrometheus } from '../helpers/prometheus.js';
import { privateRedis } from '../helpers/redis.js';
import { startSwitchboard } from '../helpers/switchboard.js';
import { exampleDirectory } from '../fixtures/directories.js';

// Docker is not available on the project's machines and CI: these checks parse what would be
// deployed and assert its essentials; the image build test below runs only where Docker does.
const root = projectRoot();
const read = (path: string) => readFileSync(join(root, path), 'utf8');
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

t.test('Dockerfile: multi-stage, non-root, HEALTHCHECK on /healthz, SIGTERM to node', async (t) => {
  const lines = read('Dockerfile').split('\n');
  const stages = lines.filter((l) => /^FROM /.test(l));
  t.ok(stages.length >= 2, 'multi-stage');
  const final = lines.slice(lines.lastIndexOf(stages.at(-1)!));
  t.match(final.find((l) => /^USER /.test(l)), /^USER (node|[1-9]\d*)$/, 'the final stage runs as a non-root user');
  t.match(final.join('\n'), /HEALTHCHECK[\s\S]*\/healthz/, 'HEALTHCHECK reaches /healthz');
  t.equal(final.find((l) => /^CMD /.test(l)), `CMD ${JSON.stringify(['node', ...SERVICE_NODE_FLAGS, 'dist/services/switchboard/main.js']).replaceAll(',', ', ')}`, 'node is PID 1, so SIGTERM reaches the drain, with the V8 flags the load tests measured');
  t.ok(existsSync(join(root, 'dist/services/switchboard/main.js')), 'the CMD file is what npm run build makes');
  for (const l of lines.filter((l) => /^COPY (?!--from)/.test(l))) {
    for (const src of l.replace(/^COPY /, '').split(/\s+/).slice(0, -1)) t.ok(existsSync(join(root, src)), `COPY source ${src} exists`);
  }
});

t.test('npm start runs the service with the same V8 flags as the image and the load tests', async (t) => {
  const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start!;
  t.match(start, `node ${SERVICE_NODE_FLAGS.join(' ')} dist/services/switchboard/main.js`);
});

t.test('compose: two instances, Redis with AOF, Prometheus scraping both', async (t) => {
  // As `docker compose` reads it with nothing set: ${VAR:-default} takes the default; merge keys apply.
  const compose = parse(read('deploy/compose.yaml').replace(/\$\{\w+:-([^}]*)\}/g, '$1'), { merge: true }) as Doc;
  const services = compose.services as Record<string, Doc>;
  t.match(services.redis!.command.join(' '), /--appendonly yes/, 'Redis with AOF');
  t.ok(services.redis!.volumes?.length, 'Redis data on a volume');
  const instances = Object.entries(services).filter(([, s]) => s.build?.dockerfile === 'Dockerfile');
  t.equal(instances.length, 2, 'two Switchboard instances built from the Dockerfile');
  for (const [name, s] of instances) {
    t.ok(existsSync(join(root, 'deploy', s.build.context, s.build.dockerfile)), `${name}: the build context holds the Dockerfile`);
    t.doesNotThrow(() => configFromEnv(s.environment), `${name}: its environment passes the service's own validation`);
    for (const v of s.volumes as string[]) t.ok(existsSync(join(root, 'deploy', v.split(':')[0]!)), `${name}: mounts ${v.split(':')[0]}`);
    t.ok(parseInt(s.stop_grace_period, 10) >= 10, `${name}: at least 10 s to drain`);
  }
  const prometheus = services.prometheus!;
  const mount = (prometheus.volumes as string[]).find((v) => v.includes('prometheus.yml'))!;
  const scrape = parse(read(join('deploy', mount.split(':')[0]!))) as Doc;
  const job = scrape.scrape_configs.find((j: Doc) => j.metrics_path === '/metrics');
  t.same(job.static_configs[0].targets.sort(), instances.map(([name]) => `${name}:3000`).sort(), 'Prometheus scrapes both instances');
});

t.test('Kubernetes: Deployment with probes, Service, ConfigMap, Secret, PDB, HPA — consistent with each other', async (t) => {
  const kustomization = parse(read('deploy/k8s/kustomization.yaml')) as Doc;
  const docs: Doc[] = (kustomization.resources as string[]).flatMap((file) => {
    t.ok(existsSync(join(root, 'deploy/k8s', file)), `${file} exists`);
    return parseAllDocuments(read(join('deploy/k8s', file))).map((d) => {
      t.same(d.errors, [], `${file} parses`);
      return d.toJS() as Doc;
    });
  });
  const of = (kind: string) => docs.filter((d) => d.kind === kind);
  for (const kind of ['Deployment', 'Service', 'ConfigMap', 'Secret', 'PodDisruptionBudget', 'HorizontalPodAutoscaler']) t.ok(of(kind).length > 0, `has a ${kind}`);

  const deployment = of('Deployment')[0]!;
  const pod = deployment.spec.template;
  const container = pod.spec.containers[0];
  t.same(deployment.spec.selector.matchLabels, { 'app.kubernetes.io/name': 'switchboard' });
  t.match(pod.metadata.labels, deployment.spec.selector.matchLabels, 'the selector matches the pod labels');
  t.ok(deployment.spec.replicas >= 2, 'several replicas');
  t.equal(container.readinessProbe.httpGet.path, '/readyz');
  t.equal(container.livenessProbe.httpGet.path, '/healthz', 'liveness does not depend on Redis');
  t.equal(pod.spec.securityContext.runAsNonRoot, true);
  t.equal(container.securityContext.readOnlyRootFilesystem, true);
  t.ok(pod.spec.terminationGracePeriodSeconds >= 10, 'the grace period covers the 10 s drain');
  t.equal(pod.metadata.annotations['prometheus.io/path'], '/metrics');

  const configMaps = new Map(of('ConfigMap').map((c) => [c.metadata.name, c]));
  const secret = of('Secret')[0]!;
  const settings = configMaps.get(container.envFrom.find((e: Doc) => e.configMapRef).configMapRef.name)!;
  t.ok(settings, 'envFrom names a ConfigMap in the manifests');
  t.equal(container.envFrom.find((e: Doc) => e.secretRef).secretRef.name, secret.metadata.name, 'and the Secret');
  const env = { ...settings.data, ...Object.fromEntries(container.env.map((e: Doc) => [e.name, e.value])) };
  const config = configFromEnv(env);
  t.ok(config.redisClusterNodes.length >= 3, 'the settings pass validation and name a Redis Cluster');
  t.ok(config.shutdownDrainMs < pod.spec.terminationGracePeriodSeconds * 1000, 'the drain fits in the grace period');

  const volume = pod.spec.volumes.find((v: Doc) => v.configMap);
  const mountPath = container.volumeMounts.find((m: Doc) => m.name === volume.name).mountPath;
  const directoryMap = configMaps.get(volume.configMap.name)!;
  const fileName = Object.keys(directoryMap.data)[0]!;
  t.equal(env.DIRECTORY_FILE, `${mountPath}/${fileName}`, 'DIRECTORY_FILE is the mounted ConfigMap');
  const file = join(mkdtempSync(join(tmpdir(), 'switchboard-k8s-')), fileName);
  writeFileSync(file, directoryMap.data[fileName]);
  const directory = loadDirectoryFile(file, secret.stringData);
  t.ok(directory.practices.length > 0, 'the directory loads with the Secret filling its placeholders');
  t.notMatch(directoryMap.data[fileName], /authToken: (?!\$\{)/, 'no provider auth token in the ConfigMap');

  const service = of('Service')[0]!;
  t.match(pod.metadata.labels, service.spec.selector, 'the Service selects the pods');
  t.ok(container.ports.some((p: Doc) => p.name === service.spec.ports[0].targetPort), 'the Service targets a named container port');
  t.not(service.spec.sessionAffinity, 'ClientIP', 'no sticky sessions');
  const pdb = of('PodDisruptionBudget')[0]!;
  t.same(pdb.spec.selector.matchLabels, deployment.spec.selector.matchLabels, 'the PDB covers the pods');
  const hpa = of('HorizontalPodAutoscaler')[0]!;
  t.equal(hpa.spec.scaleTargetRef.name, deployment.metadata.name, 'the HPA scales the Deployment');
  t.ok(hpa.spec.minReplicas >= 2 && hpa.spec.maxReplicas > hpa.spec.minReplicas);
});

t.test('the Grafana dashboard queries only metrics Switchboard exposes', async (t) => {
  const dashboard = JSON.parse(read('deploy/grafana/switchboard-dashboard.json')) as { panels: { title: string; targets: { expr: string }[] }[] };
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: exampleDirectory() });
  await fetch(`${sb.url}/healthz`);
  const { types } = parsePrometheus(await fetch(`${sb.url}/metrics`).then((r) => r.text()));
  t.ok(dashboard.panels.length >= 8);
  for (const panel of dashboard.panels) {
    for (const target of panel.targets) {
      for (const name of target.expr.match(/switchboard_[a-z0-9_]+/g) ?? []) {
        t.ok(types.has(name.replace(/_(bucket|count|sum)$/, '')), `${panel.title}: ${name} is exposed`);
      }
    }
  }
});

const docker = spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
t.test('the image builds and answers /healthz', { skip: docker ? false : 'no Docker engine on this machine (see docs/deploy.md)' }, async (t) => {
  const build = spawnSync('docker', ['build', '-t', 'switchboard:test', root], { encoding: 'utf8' });
  t.equal(build.status, 0, build.stderr);
  const run = spawnSync('docker', ['run', '-d', '--rm', '-p', '127.0.0.1::3000', '-e', 'REDIS_URL=redis://127.0.0.1:1', 'switchboard:test'], { encoding: 'utf8' });
  const id = run.stdout.trim();
  t.teardown(() => void spawnSync('docker', ['rm', '-f', id]));
  const port = spawnSync('docker', ['port', id, '3000'], { encoding: 'utf8' }).stdout.trim().split(':').at(-1);
  let status = 0;
  for (let i = 0; i < 60 && status !== 200; i++) {
    status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
    await new Promise((r) => setTimeout(r, 500));
  }
  t.equal(status, 200);
});
