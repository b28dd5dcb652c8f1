/** `/mode` and `/mode/{s}`: READWRITE, READONLY, IMPORT. */
import type { FastifyInstance } from 'fastify';
import type { RegistryService } from '../../service.js';
import { flag, params, queryOf, sendJson } from '../http.js';

export function modeRoutes(app: FastifyInstance, service: RegistryService): void {
  app.get('/mode', async (_request, reply) => sendJson(reply, await service.getMode(undefined)));
  app.put('/mode', async (request, reply) =>
    sendJson(reply, await service.setMode(undefined, request.body, { force: flag(queryOf(request), 'force') })),
  );
  app.delete('/mode', async (request, reply) =>
    sendJson(reply, await service.deleteMode(undefined, { recursive: flag(queryOf(request), 'recursive') })),
  );

  app.get('/mode/:subject', async (request, reply) => {
    const { subject } = params<'subject'>(request);
    return sendJson(reply, await service.getMode(subject, { defaultToGlobal: flag(queryOf(request), 'defaultToGlobal') }));
  });
  app.put('/mode/:subject', async (request, reply) => {
    const { subject } = params<'subject'>(request);
    return sendJson(reply, await service.setMode(subject, request.body, { force: flag(queryOf(request), 'force') }));
  });
  app.delete('/mode/:subject', async (request, reply) => {
    const { subject } = params<'subject'>(request);
    return sendJson(reply, await service.deleteMode(subject));
  });
}
