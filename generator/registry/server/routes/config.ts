/** `/config` and `/config/{s}`: compatibility level and related settings, with global fallback. */
import type { FastifyInstance } from 'fastify';
import type { RegistryService } from '../../service.js';
import { flag, params, queryOf, sendJson } from '../http.js';

export function configRoutes(app: FastifyInstance, service: RegistryService): void {
  app.get('/config', async (request, reply) => sendJson(reply, await service.getConfig(undefined)));
  app.put('/config', async (request, reply) => sendJson(reply, await service.setConfig(undefined, request.body)));
  app.delete('/config', async (_request, reply) => sendJson(reply, await service.deleteConfig(undefined)));

  app.get('/config/:subject', async (request, reply) => {
    const { subject } = params<'subject'>(request);
    return sendJson(reply, await service.getConfig(subject, { defaultToGlobal: flag(queryOf(request), 'defaultToGlobal') }));
  });
  app.put('/config/:subject', async (request, reply) => {
    const { subject } = params<'subject'>(request);
    return sendJson(reply, await service.setConfig(subject, request.body));
  });
  app.delete('/config/:subject', async (request, reply) => {
    const { subject } = params<'subject'>(request);
    return sendJson(reply, await service.deleteConfig(subject));
  });
}
