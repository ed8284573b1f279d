import type { FastifyInstance } from 'fastify';
import { DirectoryError } from '../../../shared/directory/load.js';
import type { Directory } from '../../../shared/directory/directory.js';
import { HttpError, noBody } from '../plugins/errors.js';

/**
 * POST /v1/directory/reload (admin token): re-read the directory file. A file with errors is
 * refused with every error listed (422) and the directory in force stays live.
 */
export default async function directoryRoutes(app: FastifyInstance, opts: { reload?: () => Directory }) {
  app.post(
    '/v1/directory/reload',
    {
      preHandler: app.authenticate,
      schema: {
        body: noBody,
        response: {
          200: {
            type: 'object',
            properties: { reloaded: { type: 'boolean' }, practices: { type: 'integer' }, staff: { type: 'integer' } },
          },
        },
      },
    },
    async (request) => {
      if (request.grant!.role !== 'admin') throw new HttpError(403, 'only an admin token may reload the directory');
      if (!opts.reload) throw new HttpError(409, 'this process was not started from a directory file, so there is nothing to reload');
      try {
        const next = opts.reload();
        request.log.info({ practices: next.practices.length }, 'directory reloaded');
        return { reloaded: true, practices: next.practices.length, staff: next.data.staff.length };
      } catch (err) {
        if (!(err instanceof DirectoryError)) throw err;
        request.log.error({ problems: err.problems }, 'directory reload refused');
        throw new HttpError(422, `${err.message}\nThe directory in force has not changed.`);
      }
    },
  );
}
