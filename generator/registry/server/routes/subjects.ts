/** `/subjects…`: listing, versions, registration, lookup, deletes, metadata search. */
import type { FastifyInstance } from 'fastify';
import { parseVersionId, type RegistryService } from '../../service.js';
import { all, flag, pageOf, params, queryOf, sendJson, text } from '../http.js';

export function subjectRoutes(app: FastifyInstance, service: RegistryService): void {
  app.get('/subjects', async (request, reply) => {
    const q = queryOf(request);
    const prefix = text(q, 'subjectPrefix');
    return sendJson(
      reply,
      await service.listSubjects({ ...(prefix !== undefined ? { subjectPrefix: prefix } : {}), deleted: flag(q, 'deleted'), deletedOnly: flag(q, 'deletedOnly'), ...pageOf(q) }),
    );
  });

  app.get('/subjects/:subject/versions', async (request, reply) => {
    const q = queryOf(request);
    const { subject } = params<'subject'>(request);
    return sendJson(
      reply,
      await service.listVersions(subject, {
        deleted: flag(q, 'deleted'),
        deletedOnly: flag(q, 'deletedOnly'),
        deletedAsNegative: flag(q, 'deletedAsNegative'),
        ...pageOf(q),
      }),
    );
  });

  app.post('/subjects/:subject/versions', async (request, reply) => {
    const q = queryOf(request);
    const { subject } = params<'subject'>(request);
    return sendJson(reply, await service.register(subject, request.body, { normalize: flag(q, 'normalize'), force: flag(q, 'force') }));
  });

  app.get('/subjects/:subject/versions/:version', async (request, reply) => {
    const { subject, version } = params<'subject' | 'version'>(request);
    return sendJson(reply, await service.getVersion(subject, parseVersionId(version), { deleted: flag(queryOf(request), 'deleted') }));
  });

  app.get('/subjects/:subject/versions/:version/schema', async (request, reply) => {
    const { subject, version } = params<'subject' | 'version'>(request);
    const found = await service.getVersion(subject, parseVersionId(version), { deleted: flag(queryOf(request), 'deleted') });
    // The bare schema text, which for Avro and JSON Schema is itself JSON.
    return reply.send(found.schema);
  });

  app.get('/subjects/:subject/versions/:version/referencedby', async (request, reply) => {
    const q = queryOf(request);
    const { subject, version } = params<'subject' | 'version'>(request);
    return sendJson(reply, await service.referencedBy(subject, parseVersionId(version), { deleted: flag(q, 'deleted'), ...pageOf(q) }));
  });

  app.post('/subjects/:subject', async (request, reply) => {
    const q = queryOf(request);
    const { subject } = params<'subject'>(request);
    return sendJson(reply, await service.lookup(subject, request.body, { normalize: flag(q, 'normalize'), deleted: flag(q, 'deleted') }));
  });

  app.delete('/subjects/:subject', async (request, reply) => {
    const { subject } = params<'subject'>(request);
    return sendJson(reply, await service.deleteSubject(subject, { permanent: flag(queryOf(request), 'permanent') }));
  });

  app.delete('/subjects/:subject/versions/:version', async (request, reply) => {
    const { subject, version } = params<'subject' | 'version'>(request);
    return sendJson(reply, await service.deleteVersion(subject, parseVersionId(version), { permanent: flag(queryOf(request), 'permanent') }));
  });

  app.get('/subjects/:subject/metadata', async (request, reply) => {
    const q = queryOf(request);
    const { subject } = params<'subject'>(request);
    // Repeated key/value pairs, matched up by position.
    const keys = all(q, 'key');
    const values = all(q, 'value');
    const properties = Object.fromEntries(keys.map((k, i) => [k, values[i] ?? '']));
    return sendJson(reply, await service.latestWithMetadata(subject, properties, { deleted: flag(q, 'deleted') }));
  });
}
