import type { FastifyInstance } from 'fastify';
import { suppressionFor } from '../../../shared/access.js';
import { isValidDate, londonWallClock } from '../../../shared/london-time.js';
import { icbDashboard } from '../../../shared/stats/dashboard.js';
import { parseScope } from '../../../shared/stats/scope.js';
import { HttpError } from '../plugins/errors.js';

const figure = { type: ['integer', 'number', 'string', 'null'], description: "a number, '*' when suppressed, null when undefined (no calls)" };
const row = { type: 'object', additionalProperties: figure, properties: { period: { type: 'string' } } };
const period = { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' } } };

/** GET /v1/icb/dashboard: the figures behind the /icb page, for ICB tokens only (docs/wallboard.md). */
export default async function icbRoutes(app: FastifyInstance, opts: { suppressBelow: number }) {
  app.get<{ Querystring: { date?: string } }>(
    '/v1/icb/dashboard',
    {
      preHandler: app.authenticate,
      schema: {
        querystring: { type: 'object', additionalProperties: false, properties: { date: { type: 'string', description: 'a London date, YYYY-MM-DD; default today' } } },
        response: {
          200: {
            type: 'object',
            properties: {
              icb: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
              today: period,
              month: period,
              weeks: period,
              suppressedBelow: { type: 'integer' },
              measures: { type: 'array', items: { type: 'string' } },
              total: { type: 'object', properties: { today: row, month: row } },
              practices: { type: 'array', items: { type: 'object', properties: { ods: { type: 'string' }, name: { type: 'string' }, pcn: { type: ['string', 'null'] }, today: row, month: row } } },
              heatmap: { type: 'array', items: { type: 'array', items: figure } },
              trend: { type: 'array', items: row },
            },
          },
        },
      },
    },
    async (request) => {
      const directory = app.directory();
      const grant = request.grant!;
      if (grant.role !== 'icb' || grant.icb !== directory.data.icb.code) throw new HttpError(403, 'the ICB dashboard is for ICB tokens of this ICB; practices and PCNs have their wallboards and GET /v1/stats');
      const date = request.query.date ?? londonWallClock(app.clock.now()).date;
      if (!isValidDate(date)) throw new HttpError(400, `date=${date} is not a calendar date (YYYY-MM-DD)`);
      const scope = parseScope(directory, `icb:${grant.icb}`);
      return icbDashboard(app.stats, { code: directory.data.icb.code, name: directory.data.icb.name }, scope.practices, date, suppressionFor(directory, grant, scope, opts.suppressBelow));
    },
  );
}
