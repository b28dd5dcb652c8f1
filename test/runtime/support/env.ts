/**
 * Shared set-up for the runtime tests: a PostgreSQL schema of the file's own, a mock Kafka
 * cluster, and runtimes wired to both.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../../runtime/runtime.js';
import { InMemorySchemaRegistry } from '../../../runtime/registry/memory.js';
import { silentLogger } from '../../../runtime/logger.js';
import { kafkaFor, startMockCluster, type MockCluster, type TopicSpec } from '../../infra/kafka/cluster.js';
import { mockClusterSocketFactory } from '../../../runtime/transport/librdkafka-mock.js';
import { testDatabaseUrl } from '../../infra/postgres.js';
import { COUNTER_TYPE, counterCodec, noteCodec } from './codecs.js';

export const SUPPORT_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(SUPPORT_DIR, '../../..');
/** A module for `--kafka-module` that gives CLI children the mock cluster's Metadata fix. */
export const MOCK_KAFKA_MODULE = path.join(SUPPORT_DIR, 'mock-kafka-module.ts');

export interface TestDatabase {
  pool: pg.Pool;
  url: string;
  schema: string;
  /** `schema.name` */
  table(name: string): string;
  close(): Promise<void>;
}

/** A pool on the run's database and a fresh schema for this file's tables. */
export async function testDatabase(poolSize = 8): Promise<TestDatabase> {
  const url = testDatabaseUrl();
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const schema = `rt_${randomBytes(5).toString('hex')}`;
  await pool.query(`CREATE SCHEMA ${schema}`);
  return {
    pool,
    url,
    schema,
    table: (name) => `${schema}.${name}`,
    close: async () => {
      await pool.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => {});
      await pool.end();
    },
  };
}

export async function mockKafka(topics: TopicSpec[], brokers = 3): Promise<MockCluster> {
  return startMockCluster({ brokers, topics: topics.flatMap((t) => [t, { name: `${t.name}.dlq`, partitions: t.partitions }]) });
}

export function quietKafka(cluster: MockCluster, clientId: string, overrides: Partial<KafkaConfig> = {}): Kafka {
  return kafkaFor(cluster, clientId, { logLevel: logLevel.NOTHING, ...overrides });
}

/**
 * A registry with the test schemas registered in a fixed order, so that every process of a
 * test (parent and children) agrees on the ids without sharing a server.
 */
export function testRegistry(topic: string): InMemorySchemaRegistry {
  const registry = new InMemorySchemaRegistry();
  for (const codec of [counterCodec(topic), noteCodec(topic)]) registry.register(codec.subject, codec.schema, codec.format);
  return registry;
}

export function testRuntime(
  cluster: MockCluster | Kafka,
  topic: string,
  options: Partial<RuntimeOptions> & { clientId?: string } = {},
): Runtime {
  const { clientId, ...rest } = options;
  const kafka = cluster instanceof Kafka ? cluster : quietKafka(cluster, clientId ?? `rt-${randomBytes(3).toString('hex')}`);
  return createRuntime({
    kafka: { kafka },
    registry: testRegistry(topic),
    logger: silentLogger,
    ...rest,
  });
}

/** A kafkajs client for a child process, which knows the brokers but not the launcher. */
export function childKafka(bootstrap: string, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: bootstrap.split(','), socketFactory: mockClusterSocketFactory(), logLevel: logLevel.NOTHING, connectionTimeout: 3_000 });
}

export { COUNTER_TYPE };

export async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
