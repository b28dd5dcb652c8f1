/** The root, server metadata, contexts, associations, and the liveness and readiness probes. */
import type { FastifyInstance } from 'fastify';
import type { RegistryService } from '../../service.js';
import { sendJson } from '../http.js';

/** The Confluent API level herald's registry answers like (Schema entities with `guid`, `schemaType: "AVRO"`). */
export const COMPATIBLE_API_VERSION = '8.0.0';

export function serverRoutes(app: FastifyInstance, service: RegistryService): void {
  app.get('/', async (_request, reply) => sendJson(reply, {}));
  app.post('/', async (_request, reply) => sendJson(reply, {}));

  app.get('/v1/metadata/id', async (_request, reply) =>
    sendJson(reply, {
      id: await service.registryId(),
      scope: { path: [], clusters: { 'schema-registry-cluster': 'schema-registry' } },
    }),
  );
  app.get('/v1/metadata/version', async (_request, reply) => sendJson(reply, { version: COMPATIBLE_API_VERSION, commitId: 'herald' }));

  // Only the default context exists here.
  app.get('/contexts', async (_request, reply) => sendJson(reply, ['.']));

  // herald keeps no topic→subject associations; the Confluent serdes read an empty list (or 404)
  // as "use TopicNameStrategy", which is what herald wants them to do.
  app.get('/associations/resources/:namespace/:name', async (_request, reply) => sendJson(reply, []));
  app.get('/associations/subjects/:subject', async (_request, reply) => sendJson(reply, []));

  app.get('/health', async (_request, reply) => sendJson(reply, { status: 'UP' }));
  app.get('/ready', async (request, reply) => {
    try {
      await service.ping();
      return sendJson(reply, { status: 'READY' });
    } catch (error) {
      request.log.warn({ err: error }, 'registry store unreachable');
      return sendJson(reply, { status: 'NOT_READY', reason: 'store unreachable' }, 503);
    }
  });
}
