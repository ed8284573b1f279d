import { Validator } from '@seriousme/openapi-schema-validator';
import t from 'tap';
import { privateRedis } from '../../../helpers/redis.js';
import { startSwitchboard } from '../../../helpers/switchboard.js';
import { exampleDirectory } from '../../../fixtures/directories.js';

interface Operation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  security?: unknown[];
}

t.test('the OpenAPI document is valid OpenAPI 3, covers every route, and the UI is served without a CDN', async (t) => {
  const redis = await privateRedis(t);
  const sb = await startSwitchboard(t, { redisUrl: redis.url, directory: exampleDirectory() });
  const res = await fetch(`${sb.url}/docs/json`);
  t.equal(res.status, 200);
  const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

  const result = await new Validator().validate(doc as unknown as Parameters<Validator['validate']>[0]);
  t.same(result.errors, undefined, 'no validation errors');
  t.equal(result.valid, true, 'valid per the OpenAPI 3 JSON schema');
  t.match(doc.openapi, /^3\./);

  // Every route the app serves today (other than the docs UI itself) is in the document.
  const documented = Object.keys(doc.paths).map((p) => p.replace(/\{(\w+)\}/g, ':$1'));
  for (const path of ['/healthz', '/readyz', '/metrics', '/v1/twilio/voice', '/v1/twilio/wait', '/v1/twilio/dial-result', '/v1/twilio/staff-answered', '/v1/twilio/status', '/v1/staff/:staffId/presence', '/v1/staff/:staffId', '/v1/practices/:ods/calls', '/v1/practices/:ods/calls/search']) {
    t.ok(documented.includes(path), `${path} is documented`);
  }
  t.notOk(documented.some((p) => p.startsWith('/docs')), 'the UI routes are hidden');

  t.ok(doc.components.schemas.problem, 'one shared problem+json schema');
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const name = `${method.toUpperCase()} ${path}`;
      const success = Object.entries(op.responses).filter(([code]) => /^2/.test(code));
      t.ok(success.length > 0 && success.every(([, r]) => r.content === undefined || Object.values(r.content).every((c) => c.schema)), `${name}: success response with a schema`);
      const problem = JSON.stringify(op.responses['400'] ?? op.responses['404']);
      t.match(problem, /#\/components\/schemas\/problem/, `${name}: errors are the shared problem schema`);
      if (path.includes('{')) t.ok(op.parameters?.some((p) => p.in === 'path'), `${name}: path parameters described`);
      if (method === 'post' || method === 'put') t.ok(op.requestBody?.content, `${name}: request body described`);
      if (path.startsWith('/v1/twilio/')) t.ok(op.requestBody?.content['application/x-www-form-urlencoded'], `${name}: form-encoded, as Twilio posts`);
      if (/^\/v1\/(staff|practices)/.test(path)) t.ok(op.security?.length, `${name}: needs a bearer token`);
    }
  }

  const page = await fetch(`${sb.url}/docs/static/index.html`);
  t.equal(page.status, 200);
  const html = await page.text();
  t.notMatch(html, /src="https?:\/\//, 'no script from another host');
  t.notMatch(html, /href="https?:\/\//, 'no stylesheet from another host');
  const bundle = await fetch(`${sb.url}/docs/static/swagger-ui-bundle.js`);
  t.equal(bundle.status, 200, 'the UI bundle is served by Switchboard itself');
  t.ok((await bundle.arrayBuffer()).byteLength > 100_000);
  t.equal((await fetch(`${sb.url}/docs`, { redirect: 'manual' })).status < 400, true, '/docs opens the UI');
});
