import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { mayReadStats, suppressionFor, type StatsScope } from '../../../shared/access.js';
import { londonWallClock } from '../../../shared/london-time.js';
import { EXTRACT_HEADER, extractRows, monthDays } from '../../../shared/stats/extract.js';
import { MEASURE_NAMES } from '../../../shared/stats/measures.js';
import { GRANULARITIES, parseRange, statsRows, type Granularity } from '../../../shared/stats/query.js';
import { defaultScope, parseScope } from '../../../shared/stats/scope.js';
import { HttpError } from '../plugins/errors.js';
import statsPlugin from '../plugins/stats.js';
import icbRoutes from './icb.js';

type Format = 'json' | 'csv';
interface StatsQuery { scope?: string; from?: string; to?: string; granularity: Granularity; measures?: string; format?: Format }
interface ExtractQuery { month: string; scope?: string; format?: Format }

const figure = { type: ['integer', 'number', 'string', 'null'], description: "a number, '*' when suppressed, null when undefined (no calls)" };
const format = { type: 'string', enum: ['json', 'csv'], description: 'default json (stats) or csv (extract); Accept: text/csv also selects CSV' };
const scope = { type: 'string', description: 'practice:<ODS>, pcn:<code> or icb:<code>; default the token’s own' };

const statsSchema = {
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      scope,
      from: { type: 'string', description: 'first London date, YYYY-MM-DD; default today' },
      to: { type: 'string', description: 'last London date (inclusive), YYYY-MM-DD; default from' },
      granularity: { type: 'string', enum: [...GRANULARITIES], default: 'day' },
      measures: { type: 'string', description: `comma-separated: ${MEASURE_NAMES.join(', ')}; default all` },
      format,
    },
  },
  response: {
    200: {
      type: 'object',
      properties: {
        scope: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        granularity: { type: 'string' },
        suppressedBelow: { type: 'integer' },
        rows: { type: 'array', items: { type: 'object', properties: { period: { type: 'string' } }, additionalProperties: figure } },
      },
    },
  },
};

const extractSchema = {
  querystring: {
    type: 'object',
    additionalProperties: false,
    required: ['month'],
    properties: { month: { type: 'string', description: 'YYYY-MM' }, scope, format },
  },
  response: {
    200: {
      type: 'object',
      description: 'CSV (the default): the header then one line per row; JSON: { month, scope, columns, rows }',
      properties: { month: { type: 'string' }, scope: { type: 'string' }, columns: { type: 'array', items: { type: 'string' } }, rows: { type: 'array', items: { type: 'array', items: figure } } },
    },
  },
};

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
export const csvLine = (cells: unknown[]) => cells.map(csvCell).join(',') + '\n';

export function wantsCsv(request: FastifyRequest, format: Format | undefined, byDefault: boolean): boolean {
  if (format) return format === 'csv';
  const accept = request.headers.accept ?? '';
  if (accept.includes('text/csv')) return true;
  if (accept.includes('application/json')) return false;
  return byDefault;
}

/** Streams `open`, rows from `rows`, then `close`, so a long range never sits whole in memory. */
function stream(reply: FastifyReply, type: string, chunks: AsyncGenerator<string>) {
  return reply.type(type).send(Readable.from(chunks));
}

/** Lines gathered into chunks of about 64 KB: one stream write per line would cost more than the data. */
async function* framed<T>(open: string, rows: AsyncGenerator<T>, line: (row: T, first: boolean) => string, close: string): AsyncGenerator<string> {
  let chunk = open;
  let first = true;
  for await (const row of rows) {
    chunk += line(row, first);
    first = false;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk + close;
}

/** Fastify drops unknown query parameters silently; a misspelt one ("granularty") must not pass unnoticed. */
export async function rejectUnknownQuery(request: FastifyRequest): Promise<void> {
  const allowed = Object.keys((request.routeOptions.schema?.querystring as { properties: object }).properties);
  const unknown = [...new URLSearchParams(request.url.split('?')[1] ?? '').keys()].filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new HttpError(400, `unknown query parameter ${unknown.join(', ')}: use ${allowed.join(', ')}`);
}

/** GET /v1/stats and GET /v1/stats/cbt-extract: the CBT measures for a practice, PCN or ICB (docs/statistics.md). */
export default async function statsRoutes(app: FastifyInstance, opts: { suppressBelow: number }) {
  await app.register(statsPlugin);

  app.addHook('preValidation', rejectUnknownQuery);
  // The ICB dashboard's figures are these statistics, read through the same store and suppression.
  await app.register(icbRoutes, opts);

  const resolveScope = (request: FastifyRequest, raw: string | undefined): { scope: StatsScope; name: string; suppressBelow: number } => {
    const directory = app.directory();
    const grant = request.grant!;
    const name = raw ?? defaultScope(directory, grant);
    if (!name) throw new HttpError(403, 'this token has no practice, PCN or ICB to read');
    const scope = parseScope(directory, name);
    if (!mayReadStats(directory, grant, scope)) throw new HttpError(403, `this token may not read statistics for ${name}`);
    return { scope, name, suppressBelow: suppressionFor(directory, grant, scope, opts.suppressBelow) };
  };

  app.get<{ Querystring: StatsQuery }>('/v1/stats', { preHandler: app.authenticate, schema: statsSchema }, async (request, reply) => {
    const q = request.query;
    const { scope, name, suppressBelow } = resolveScope(request, q.scope);
    const from = q.from ?? londonWallClock(app.clock.now()).date;
    const to = q.to ?? from;
    const range = parseRange(from, to, q.granularity, q.measures);
    const rows = statsRows(app.stats, scope.practices, range, suppressBelow);
    if (wantsCsv(request, q.format, false)) {
      const header = csvLine(['period', ...range.measures.map((m) => m.name)]);
      return stream(reply, 'text/csv; charset=utf-8', framed(header, rows, (r) => csvLine(Object.values(r)), ''));
    }
    const head = JSON.stringify({ scope: name, from, to, granularity: range.granularity, suppressedBelow: suppressBelow });
    return stream(reply, 'application/json; charset=utf-8', framed(`${head.slice(0, -1)},"rows":[`, rows, (r, first) => (first ? '' : ',') + JSON.stringify(r), ']}'));
  });

  app.get<{ Querystring: ExtractQuery }>('/v1/stats/cbt-extract', { preHandler: app.authenticate, schema: extractSchema }, async (request, reply) => {
    const q = request.query;
    monthDays(q.month);
    const { scope, name, suppressBelow } = resolveScope(request, q.scope);
    const rows = extractRows(app.stats, app.directory(), scope.practices, q.month, suppressBelow);
    if (wantsCsv(request, q.format, true)) {
      reply.header('content-disposition', `attachment; filename="cbt-${q.month}-${name.replace(':', '-')}.csv"`);
      return stream(reply, 'text/csv; charset=utf-8', framed(csvLine([...EXTRACT_HEADER]), rows, (r) => csvLine(r), ''));
    }
    const head = JSON.stringify({ month: q.month, scope: name, columns: EXTRACT_HEADER });
    return stream(reply, 'application/json; charset=utf-8', framed(`${head.slice(0, -1)},"rows":[`, rows, (r, first) => (first ? '' : ',') + JSON.stringify(r), ']}'));
  });
}
