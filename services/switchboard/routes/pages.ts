import { readFileSync, readdirSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../plugins/errors.js';

/** The live screens' static files (no build step; copied next to the compiled code by npm run build). */
const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public');
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml' };
// Everything comes from this origin: no CDN, no inline script.
const CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export default async function pages(app: FastifyInstance) {
  const files = new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f))]));
  const serve = (file: string) => ({ type: TYPES[extname(file)] ?? 'application/octet-stream', body: files.get(file)! });
  const text = { 200: { type: 'string' } };

  for (const [path, file] of [['/wallboard', 'wallboard.html'], ['/staff', 'staff.html'], ['/reports', 'reports.html'], ['/icb', 'icb.html'], ['/plan', 'plan.html'], ['/calls', 'calls.html']] as const) {
    app.get(path, { schema: { querystring: { type: 'object', properties: { practice: { type: 'string' }, team: { type: 'string' }, pcn: { type: 'string' }, date: { type: 'string', description: 'the reports page: a London date, YYYY-MM-DD' }, weekday: { type: 'string', description: 'the plan page: mon–sun' } } }, response: text } }, async (_request, reply) => {
      const { type, body } = serve(file);
      return reply.type(type).header('content-security-policy', CSP).header('cache-control', 'no-cache').send(body);
    });
  }
  app.get<{ Params: { file: string } }>(
    '/live/:file',
    { schema: { params: { type: 'object', required: ['file'], properties: { file: { type: 'string' } } }, response: text } },
    async (request, reply) => {
      const file = request.params.file;
      if (!files.has(file) || file.endsWith('.html')) throw new HttpError(404, `no file /live/${file}`);
      const { type, body } = serve(file);
      return reply.type(type).header('cache-control', 'no-cache').send(body);
    },
  );
}
