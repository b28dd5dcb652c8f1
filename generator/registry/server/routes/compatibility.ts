/** `/compatibility/subjects/{s}/versions[/{v}]`: would this schema be accepted? */
import type { FastifyInstance } from 'fastify';
import { parseVersionId, type RegistryService } from '../../service.js';
import { flag, params, queryOf, sendJson } from '../http.js';

export function compatibilityRoutes(app: FastifyInstance, service: RegistryService): void {
  app.post('/compatibility/subjects/:subject/versions/:version', async (request, reply) => {
    const q = queryOf(request);
    const { subject, version } = params<'subject' | 'version'>(request);
    return sendJson(
      reply,
      await service.testCompatibility(subject, parseVersionId(version), request.body, { normalize: flag(q, 'normalize'), verbose: flag(q, 'verbose') }),
    );
  });

  // The Java client posts this one with a trailing slash; the app ignores trailing slashes.
  app.post('/compatibility/subjects/:subject/versions', async (request, reply) => {
    const q = queryOf(request);
    const { subject } = params<'subject'>(request);
    return sendJson(
      reply,
      await service.testCompatibility(subject, 'all', request.body, { normalize: flag(q, 'normalize'), verbose: flag(q, 'verbose') }),
    );
  });
}
