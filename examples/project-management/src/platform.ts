/**
 * What the three services share: configuration from the environment (`herald dev` prints and
 * passes the Kafka and registry variables), the database (PostgreSQL when `DATABASE_URL` is set,
 * otherwise an embedded PGlite directory per service), the herald runtime, and a small HTTP
 * server with liveness, Prometheus metrics and the counters the scenario report reads.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import {
  closeOnSignals,
  consoleLogger,
  createRuntime,
  DEFAULT_DEDUPE_TABLE,
  kafkaOptionsFromEnv,
  registryOptionsFromEnv,
  toDatabase,
  type Database,
  type Runtime,
} from 'herald/runtime';

export interface ServiceContext {
  name: string;
  database: Database;
  runtime: Runtime;
  http: FastifyInstance;
}

export interface ServiceDefinition {
  /** Also the Kafka client id and the PGlite directory name. */
  name: string;
  /** Idempotent DDL for the service's own tables. */
  schema: string[];
  /** Registers routes and consumers; runs after the runtime's own migration. */
  start(context: ServiceContext): Promise<void>;
  /** Row counts and runtime counters for GET /stats. */
  stats(context: ServiceContext): Promise<Record<string, number>>;
}

export interface RunningService {
  url: string;
  close(): Promise<void>;
}

async function openDatabase(name: string): Promise<{ database: Database; close: () => Promise<void> }> {
  const url = process.env['DATABASE_URL'];
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: 8 });
    return { database: toDatabase(pool), close: () => pool.end() };
  }
  const directory = path.resolve(process.env['HERALD_DATA_DIR'] ?? '.data', name);
  await mkdir(directory, { recursive: true });
  const lite = await PGlite.create(directory);
  return { database: toDatabase(lite), close: () => lite.close() };
}

/** Sums a counter's series, e.g. every event type's `handled` count of this service. */
export async function total(metric: { get(): Promise<{ values: Array<{ value: number }> }> }): Promise<number> {
  const { values } = await metric.get();
  return values.reduce((sum, series) => sum + series.value, 0);
}

/**
 * A consumer's counters for GET /stats. `handled` counts the group's dedupe rows, so it survives
 * restarts; the others are this process's metrics and start from zero after a restart.
 */
export async function consumerStats({ database, runtime }: ServiceContext, groupId: string): Promise<Record<string, number>> {
  const { rows } = await database.query<{ handled: string }>(`SELECT count(*) AS handled FROM ${DEFAULT_DEDUPE_TABLE} WHERE consumer_group = $1`, [groupId]);
  return {
    handled: Number(rows[0]?.handled ?? 0),
    duplicates: await total(runtime.metrics.duplicates),
    retries: await total(runtime.metrics.retries),
    deadLettered: await total(runtime.metrics.deadLettered),
  };
}

/**
 * Starts a service: database, runtime (migrated), HTTP on `PORT` (0 picks a free port), then the
 * service's own start-up. SIGTERM and SIGINT close it gracefully: HTTP first so no new work
 * arrives, then the runtime (consumers commit, relay flushes), then the database.
 */
export async function runService(definition: ServiceDefinition): Promise<RunningService> {
  const { database, close: closeDatabase } = await openDatabase(definition.name);
  for (const statement of definition.schema) await database.query(statement);
  const logger = consoleLogger(process.env['LOG_LEVEL'] === 'debug' ? 'debug' : 'warn');
  const runtime = createRuntime({
    kafka: kafkaOptionsFromEnv(process.env, { clientId: definition.name }),
    registry: registryOptionsFromEnv(process.env),
    database,
    source: `/${definition.name}`,
    logger,
    // Short enough that a restarted instance rejoins its group quickly after a crash.
    consumer: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000 },
  });
  await runtime.migrate();

  const http = Fastify({ logger: false });
  const context: ServiceContext = { name: definition.name, database, runtime, http };
  http.get('/health', async () => ({ status: 'UP', service: definition.name }));
  http.get('/metrics', async (_request, reply) => {
    reply.type(runtime.metrics.registry.contentType);
    return runtime.metrics.registry.metrics();
  });
  http.get('/stats', async () => definition.stats(context));
  await definition.start(context);
  const url = await http.listen({ host: '127.0.0.1', port: Number(process.env['PORT'] ?? 0) });

  const close = async (): Promise<void> => {
    await http.close();
    await runtime.close();
    await closeDatabase();
  };
  return { url, close };
}

/** Entry point of a service process: runs it until SIGTERM/SIGINT and prints where it listens (and `hint`, e.g. what to curl). */
export async function main(definition: ServiceDefinition, hint?: (url: string) => string): Promise<void> {
  const service = await runService(definition);
  closeOnSignals(service);
  console.log(`${definition.name} listening on ${service.url}`);
  if (hint) console.log(hint(service.url));
}
