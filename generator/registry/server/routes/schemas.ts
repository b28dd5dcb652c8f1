/** `/schemas…`: schemas by global id or GUID, the type list, and the cross-subject listing. */
import type { FastifyInstance } from 'fastify';
import { errors } from '../../errors.js';
import { SUPPORTED_SCHEMA_TYPES } from '../../model.js';
import type { RegistryService } from '../../service.js';
import { flag, pageOf, params, queryOf, sendJson, text } from '../http.js';

/** Ids are positive 32-bit integers; anything else names no schema. */
function schemaId(raw: string): number {
  const id = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 1 || id > 2 ** 31 - 1) throw errors.schemaNotFound();
  return id;
}

export function schemaRoutes(app: FastifyInstance, service: RegistryService): void {
  app.get('/schemas/ids/:id', async (request, reply) => {
    const q = queryOf(request);
    const subject = text(q, 'subject');
    const found = await service.schemaById(schemaId(params<'id'>(request).id), {
      ...(subject !== undefined ? { subject } : {}),
      fetchMaxId: flag(q, 'fetchMaxId'),
    });
    return sendJson(reply, found);
  });

  app.get('/schemas/ids/:id/schema', async (request, reply) => {
    const found = await service.schemaById(schemaId(params<'id'>(request).id));
    return reply.send(found.schema);
  });

  app.get('/schemas/ids/:id/subjects', async (request, reply) => {
    const q = queryOf(request);
    return sendJson(reply, await service.subjectsOfSchema(schemaId(params<'id'>(request).id), { deleted: flag(q, 'deleted'), ...pageOf(q) }));
  });

  app.get('/schemas/ids/:id/versions', async (request, reply) => {
    const q = queryOf(request);
    return sendJson(reply, await service.versionsOfSchema(schemaId(params<'id'>(request).id), { deleted: flag(q, 'deleted'), ...pageOf(q) }));
  });

  app.get('/schemas/guids/:guid', async (request, reply) => {
    return sendJson(reply, await service.schemaByGuid(params<'guid'>(request).guid));
  });

  app.get('/schemas/guids/:guid/ids', async (request, reply) => {
    return sendJson(reply, await service.idsOfGuid(params<'guid'>(request).guid));
  });

  app.get('/schemas/types', async (_request, reply) => sendJson(reply, [...SUPPORTED_SCHEMA_TYPES].reverse()));

  app.get('/schemas', async (request, reply) => {
    const q = queryOf(request);
    const prefix = text(q, 'subjectPrefix');
    return sendJson(
      reply,
      await service.listSchemas({
        ...(prefix !== undefined ? { subjectPrefix: prefix } : {}),
        deleted: flag(q, 'deleted'),
        latestOnly: flag(q, 'latestOnly'),
        ...pageOf(q),
      }),
    );
  });
}
