/**
 * The fastify application: Confluent content types in and out, Confluent error bodies for every
 * failure (including unknown paths and bad media types), optional authentication, request logs.
 */
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { registerRegistryDocsUi } from '../../docs/registry-ui.js';
import { ERROR_CODES, RegistryError } from '../errors.js';
import type { RegistryService } from '../service.js';
import { isDatabaseError } from '../store/sql.js';
import { authenticate, mayWrite, type AuthConfig } from './auth.js';
import { negotiate, REQUEST_TYPES } from './negotiation.js';
import { compatibilityRoutes } from './routes/compatibility.js';
import { configRoutes } from './routes/config.js';
import { modeRoutes } from './routes/mode.js';
import { schemaRoutes } from './routes/schemas.js';
import { serverRoutes } from './routes/server.js';
import { subjectRoutes } from './routes/subjects.js';

export type RegistryLogger = boolean | { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };

export interface RegistryAppOptions {
  service: RegistryService;
  auth?: AuthConfig | undefined;
  logger?: RegistryLogger | undefined;
  /** Largest accepted request body; larger ones get 42209 (schema too large). */
  bodyLimit?: number | undefined;
}

/** Probes stay open without credentials, so orchestrators need no secret to check liveness. */
const UNAUTHENTICATED_PATHS = new Set(['/health', '/ready']);

/** POST routes that only read: lookups, compatibility checks and the root. */
const READ_ONLY_POSTS = new Set([
  '/',
  '/subjects/:subject',
  '/compatibility/subjects/:subject/versions',
  '/compatibility/subjects/:subject/versions/:version',
]);

function isWrite(request: FastifyRequest): boolean {
  const method = request.method;
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false;
  if (method === 'POST' && READ_ONLY_POSTS.has(request.routeOptions.url ?? '')) return false;
  return true;
}

function sendError(reply: FastifyReply, error: RegistryError): FastifyReply {
  // fastify drops headers set before an error was thrown, so the negotiated type is set again.
  reply.type(negotiate(reply.request.headers.accept) ?? 'application/json');
  return reply.code(error.status).send(JSON.stringify(error.toBody()));
}

function toRegistryError(error: FastifyError | Error, request: FastifyRequest): RegistryError {
  if (error instanceof RegistryError) return error;
  const fastifyError = error as FastifyError;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new RegistryError(ERROR_CODES.UNSUPPORTED_MEDIA_TYPE, 'HTTP 415 Unsupported Media Type');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new RegistryError(ERROR_CODES.SCHEMA_TOO_LARGE, 'Schema too large: the request body exceeds the server limit');
    default:
      break;
  }
  if (isDatabaseError(error)) {
    request.log.error({ err: error }, 'registry store error');
    return new RegistryError(ERROR_CODES.STORE_ERROR, `Error in the backend data store - ${error.message}`);
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return new RegistryError(status, error.message);
  request.log.error({ err: error }, 'unexpected registry failure');
  return new RegistryError(500, `Internal Server Error: ${error.message}`);
}

/**
 * One structured line per request, when it completes, carrying the request as fastify's
 * "incoming request" line would: the same fields as fastify's pair of lines at half the cost,
 * and logging is most of what a cached lookup costs.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

function isUiPath(url: string): boolean {
  return url === '/ui' || url.startsWith('/ui/') || url.startsWith('/ui?');
}

export async function buildRegistryApp(options: RegistryAppOptions): Promise<FastifyInstance> {
  const { service, auth } = options;
  const logger = options.logger ?? false;
  const app = Fastify({
    logger: logger === true ? { level: 'info' } : logger,
    logController: new OneLinePerRequest(),
    bodyLimit: options.bodyLimit ?? 16 * 1024 * 1024,
    // Subjects are URL-encoded path segments and can be long (TopicRecordNameStrategy names).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 4096 },
    return503OnClosing: true,
  });

  // One parser for every accepted type: JSON, with an empty body meaning "no body" (clients send
  // Content-Type on bodiless GETs and DELETEs).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser([...REQUEST_TYPES], { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(new RegistryError(ERROR_CODES.BAD_REQUEST, `Unrecognized request body: ${(error as Error).message}`), undefined);
    }
  });

  // A callback hook, not an async one: it runs on every request and never waits for anything, so
  // the promise fastify would otherwise wrap around it is pure overhead. Replying ends the request
  // without calling `done`.
  app.addHook('onRequest', (request, reply, done) => {
    // The browse UI answers HTML to browsers; only the REST API negotiates Confluent's JSON types.
    if (!isUiPath(request.url)) {
      const type = negotiate(request.headers.accept);
      if (!type) {
        sendError(reply, new RegistryError(ERROR_CODES.NOT_ACCEPTABLE, 'HTTP 406 Not Acceptable'));
        return;
      }
      reply.type(type);
    }
    if (!auth || UNAUTHENTICATED_PATHS.has(request.routeOptions.url ?? '')) {
      done();
      return;
    }
    const outcome = authenticate(auth, request.headers.authorization);
    if (!outcome.ok) {
      reply.header('www-authenticate', 'Basic realm="herald registry", Bearer realm="herald registry"');
      sendError(reply, new RegistryError(ERROR_CODES.UNAUTHORIZED, outcome.reason === 'missing' ? 'Unauthorized' : 'Invalid credentials'));
      return;
    }
    if (isWrite(request) && !mayWrite(outcome.user)) {
      sendError(
        reply,
        new RegistryError(ERROR_CODES.FORBIDDEN, `User ${outcome.user.name} is denied operation ${request.method} ${request.routeOptions.url ?? request.url}`),
      );
      return;
    }
    done();
  });

  app.setErrorHandler((error: FastifyError | Error, request, reply) => sendError(reply, toRegistryError(error, request)));
  app.setNotFoundHandler((_request, reply) => sendError(reply, new RegistryError(ERROR_CODES.NOT_FOUND, 'HTTP 404 Not Found')));

  serverRoutes(app, service);
  schemaRoutes(app, service);
  subjectRoutes(app, service);
  compatibilityRoutes(app, service);
  configRoutes(app, service);
  modeRoutes(app, service);
  await registerRegistryDocsUi(app, service);
  await app.ready();
  return app;
}
