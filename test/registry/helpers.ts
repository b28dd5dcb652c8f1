/** Shared by the registry suites: a real server on 127.0.0.1:0 and a fetch helper that shows everything. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createScratchDatabase, type ScratchDatabase } from '../infra/postgres.js';
import { startRegistryServer, type RunningRegistry, type StartRegistryOptions } from '../../generator/registry/server/start.js';

export interface TestRegistry extends RunningRegistry {
  dir: string;
  /** Closes the server and removes its store directory. */
  dispose(): Promise<void>;
}

/** A registry on an embedded store in a fresh temp directory. */
export async function startTestRegistry(options: Omit<StartRegistryOptions, 'store' | 'port' | 'host'> = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(path.join(tmpdir(), 'herald-registry-'));
  const running = await startRegistryServer({ ...options, store: path.join(dir, 'store'), host: '127.0.0.1', port: 0, logger: false });
  return {
    ...running,
    dir,
    async dispose() {
      await running.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A registry on a fresh PostgreSQL database of its own, dropped by `dispose`. */
export async function startPostgresTestRegistry(options: Omit<StartRegistryOptions, 'store' | 'port' | 'host'> = {}): Promise<TestRegistry> {
  const database = await createScratchDatabase('herald_registry');
  const running = await startRegistryServer({ ...options, store: database.url, host: '127.0.0.1', port: 0, logger: false });
  return {
    ...running,
    dir: database.name,
    async dispose() {
      await running.close();
      await database.drop();
    },
  };
}

/** Two registry instances sharing one scratch PostgreSQL database, as stateless replicas behind a load balancer would. */
export interface PostgresRegistryPair {
  database: ScratchDatabase;
  first: RunningRegistry;
  second: RunningRegistry;
  /** Closes both instances and drops the database. */
  dispose(): Promise<void>;
}

/** Both instances start together, so both run the migrations, which must serialise on their advisory lock. */
export async function startPostgresRegistryPair(prefix: string): Promise<PostgresRegistryPair> {
  const database = await createScratchDatabase(prefix);
  const [first, second] = await Promise.all([
    startRegistryServer({ store: database.url, host: '127.0.0.1', port: 0, logger: false }),
    startRegistryServer({ store: database.url, host: '127.0.0.1', port: 0, logger: false }),
  ]);
  return {
    database,
    first,
    second,
    async dispose() {
      await first.close();
      await second.close();
      await database.drop();
    },
  };
}

export interface HttpAnswer<T = unknown> {
  status: number;
  contentType: string | null;
  text: string;
  body: T;
}

export const V1 = 'application/vnd.schemaregistry.v1+json';

/** One HTTP call with Confluent's request content type; the body is parsed when it is JSON. */
export async function http<T = unknown>(
  base: string,
  method: string,
  urlPath: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpAnswer<T>> {
  const response = await fetch(`${base}${urlPath}`, {
    method,
    headers: { 'content-type': V1, ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, contentType: response.headers.get('content-type'), text, body: parsed as T };
}

/** A subject name no other test uses. */
export function uniqueSubject(prefix = 's'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function avroRecord(name: string, fields: { name: string; type: unknown; default?: unknown }[], namespace = 'com.acme'): string {
  return JSON.stringify({ type: 'record', name, namespace, fields });
}
