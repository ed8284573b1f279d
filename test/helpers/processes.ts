import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';
import { freePort } from '../../scripts/redis.mjs';

/** A Switchboard service process started from dist/ (npm test builds it first), stopped at the test's end. */
export async function spawnSwitchboard(t: Test, env: Record<string, string>): Promise<{ url: string; child: ChildProcess; output: () => string; exited: Promise<number | null> }> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  let out = '';
  const child = spawn(process.execPath, ['dist/services/switchboard/main.js'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', SWEEP_INTERVAL_MS: '200', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  t.teardown(() => {
    child.kill('SIGKILL');
  });
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a loaded 2-core machine a cold Node start can take several seconds.
  for (const until = Date.now() + 90_000; Date.now() < until; ) {
    if (child.exitCode !== null) throw new Error(`switchboard exited ${child.exitCode}: ${out}`);
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) return { url, child, output: () => out, exited };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`switchboard did not come up: ${out}`);
}

/**
 * A round-robin HTTP load balancer in front of several instances, as in production: no sticky
 * sessions. Like nginx or Envoy it tries the next instance when one refuses the connection (the
 * request never reached it); a connection that breaks mid-request is a 502.
 */
export async function roundRobin(t: Test, targets: () => string[]): Promise<{ url: string; server: Server }> {
  let next = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const forward = (triesLeft: number) => {
      const all = targets();
      const target = new URL(all[next++ % all.length]!);
      const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ECONNREFUSED' && triesLeft > 1) return forward(triesLeft - 1);
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    };
    forward(targets().length);
  });
  // A client's idle keep-alive connection is never closed under it mid-test (Node's 5 s default can
  // close one just as a webhook is sent on it after a pause: the sender sees ECONNRESET).
  server.keepAliveTimeout = 120_000;
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  t.teardown(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
