/**
 * The runtime against raw kafkajs (and raw SQL) on the same mock cluster and PostgreSQL, with
 * the same settings (idempotent producer, acks=-1, one request in flight; the same event, encoded
 * and framed the same way; the same batch sizes), in one run:
 *
 *   runtime.publish            direct publish, 1,000 concurrent publish() calls vs producer.send of 1,000 (goal ≥ 0.9)
 *   runtime.consume            consume and commit, no database, 24 partitions, vs eachBatch + CloudEvent decode + commit per batch (goal ≥ 0.8)
 *   runtime.outbox-e2e         outbox write → relay → Kafka ack on PostgreSQL vs an insert / claim-send-delete loop (goal ≥ 0.7)
 *   runtime.consume-dedupe     consume with dedupe on PostgreSQL vs one transaction per event (goal ≥ 3)
 *
 * Baseline and runtime runs alternate, so a change in machine load hits both.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { logLevel, type Kafka, type Message } from 'kafkajs';
import type { EventCodec } from '../../runtime/api.js';
import { cloudEventHeaders, headersToStrings } from '../../runtime/cloudevents.js';
import { migrate } from '../../runtime/migrate.js';
import { createRuntime, type Runtime } from '../../runtime/runtime.js';
import { InMemorySchemaRegistry } from '../../runtime/registry/memory.js';
import { silentLogger } from '../../runtime/logger.js';
import { frame, unframe } from '../../runtime/wire-format.js';
import { kafkaFor, startMockCluster, type MockCluster } from '../../test/infra/kafka/cluster.js';
import { createScratchDatabase, type ScratchDatabase } from '../../test/infra/postgres.js';
import { avroCodec } from '../../runtime/codec/avro.js';
import { COUNTER_TYPE, counterCodec as handWrittenCodec, handler, type CounterBumped } from '../../test/runtime/support/codecs.js';
import { measure, report, type BenchSuite } from '../harness.js';

const PARTITIONS = 6;
const KEYS = 1000;
/** About the size of the perf anchors' OrderPlaced event (289 B of Avro). */
const NOTE = 'x'.repeat(250);

/** The test event with runtime/codec's Avro codec, as generated code would build it. */
function counterCodec(topic: string): EventCodec<CounterBumped> {
  const { key: _key, validate: _validate, encode: _encode, decode: _decode, ...definition } = handWrittenCodec(topic);
  return avroCodec<CounterBumped>(definition);
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Setup {
  cluster: MockCluster;
  database: ScratchDatabase;
  pool: pg.Pool;
}

function kafka(cluster: MockCluster, clientId: string): Kafka {
  return kafkaFor(cluster, clientId, { logLevel: logLevel.NOTHING });
}

function runtimeFor(setup: Setup, codec: EventCodec<CounterBumped>, withDatabase: boolean, schema?: string): { runtime: Runtime; registry: InMemorySchemaRegistry } {
  const registry = new InMemorySchemaRegistry();
  registry.register(codec.subject, codec.schema, codec.format);
  const runtime = createRuntime({
    kafka: { kafka: kafka(setup.cluster, `bench-${randomBytes(3).toString('hex')}`) },
    registry,
    logger: silentLogger,
    ...(withDatabase ? { database: setup.pool } : {}),
    ...(schema ? { outbox: { table: `${schema}.herald_outbox` } } : {}),
    consumer: { heartbeatIntervalMs: 1_000, maxWaitTimeMs: 100, ...(schema ? { dedupeTable: `${schema}.herald_dedupe` } : {}) },
  });
  return { runtime, registry };
}

/** What a hand-written producer does per event: validate-free encode, frame with a known id, CloudEvents headers. */
function rawMessage(codec: EventCodec<CounterBumped>, event: CounterBumped, schemaId: number): Message {
  return {
    key: event.entityId,
    value: frame(schemaId, codec.encode(event)),
    headers: cloudEventHeaders({ definition: codec, source: '/bench', dataschema: `urn:herald:schema:${schemaId}` }),
  };
}

const event = (i: number): CounterBumped => ({ entityId: `key-${i % KEYS}`, n: i, note: NOTE });

async function publishBench(setup: Setup): Promise<void> {
  const topic = 'bench.publish';
  const codec = counterCodec(topic);
  const { runtime } = runtimeFor(setup, codec, false);
  const producer = kafka(setup.cluster, 'bench-raw-publish').producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const BATCH = 1_000;
  let i = 0;
  const raw = async (): Promise<void> => {
    const messages: Message[] = [];
    for (let j = 0; j < BATCH; j++) messages.push(rawMessage(codec, event(i++), 1));
    await producer.send({ topic, acks: -1, messages });
  };
  const herald = async (): Promise<void> => {
    const sends: Array<Promise<unknown>> = [];
    for (let j = 0; j < BATCH; j++) sends.push(runtime.publish(codec, event(i++)));
    await Promise.all(sends);
  };
  const rawRates: number[] = [];
  const heraldRates: number[] = [];
  for (let round = 0; round < 4; round++) {
    rawRates.push(...(await measure(raw, { runs: 2, operations: BATCH, minMillis: 800 })).runs);
    heraldRates.push(...(await measure(herald, { runs: 2, operations: BATCH, minMillis: 800 })).runs);
  }
  report({ name: 'runtime.publish', value: median(heraldRates), unit: 'events/s', baseline: 'kafkajs-idempotent-send-1000', baselineValue: median(rawRates) });
  await producer.disconnect();
  await runtime.close();
}

/** Fills a topic with `count` events as the runtime writes them. */
async function fill(setup: Setup, topic: string, codec: EventCodec<CounterBumped>, count: number): Promise<void> {
  const producer = kafka(setup.cluster, 'bench-fill').producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let i = 0; i < count; i += 1_000) {
    await producer.send({ topic, acks: -1, messages: Array.from({ length: Math.min(1_000, count - i) }, (_, j) => rawMessage(codec, event(i + j), 1)) });
  }
  await producer.disconnect();
}

/** Resolves with events/s from the first record to the last, so the group join is not counted. */
function stopwatch(total: number, timeoutMs = 120_000): { tick(n: number): void; done: Promise<number> } {
  let first = 0n;
  let seen = 0;
  let resolve!: (rate: number) => void;
  let reject!: (error: Error) => void;
  const done = new Promise<number>((res, rej) => ((resolve = res), (reject = rej)));
  const timer = setTimeout(() => reject(new Error(`only ${seen} of ${total} records within ${timeoutMs} ms`)), timeoutMs);
  return {
    tick(n) {
      if (seen === 0) first = process.hrtime.bigint();
      seen += n;
      if (seen >= total) {
        clearTimeout(timer);
        resolve(total / (Number(process.hrtime.bigint() - first) / 1e9));
      }
    },
    done,
  };
}

async function consumeBench(setup: Setup): Promise<void> {
  const topic = 'bench.consume';
  const codec = counterCodec(topic);
  // The mock prunes a partition at about 5 MB; 120,000 events of ~550 B (value and headers) over
  // 24 partitions stay below, and take long enough to time.
  const TOTAL = 120_000;
  await fill(setup, topic, codec, TOTAL);
  const writer = { id: 1, schema: codec.schema, format: 'avro' as const };
  const readers: Record<string, EventCodec<CounterBumped>> = { [COUNTER_TYPE]: codec };

  // Both sides decode the whole CloudEvent — in binary mode its ce_* headers are the attributes,
  // the value is the data — and pick the reader by ce_type, as a consumer of a topic with several
  // event types must; both commit once per batch (kafkajs resolves the batch's last offset itself).
  const raw = async (): Promise<number> => {
    const consumer = kafka(setup.cluster, 'bench-raw-consume').consumer({ groupId: `raw-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100, heartbeatInterval: 1_000 });
    const watch = stopwatch(TOTAL);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 4,
      eachBatch: async ({ batch, commitOffsetsIfNecessary }) => {
        for (const message of batch.messages) {
          const headers = headersToStrings(message.headers);
          readers[headers['ce_type']!]!.decode(unframe(message.value).body, writer);
        }
        await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() }] }] });
        watch.tick(batch.messages.length);
      },
    });
    const rate = await watch.done;
    await consumer.disconnect();
    return rate;
  };
  const herald = async (): Promise<number> => {
    const { runtime } = runtimeFor(setup, codec, false);
    const watch = stopwatch(TOTAL);
    const consumer = await runtime.consume(
      { groupId: `herald-${randomBytes(4).toString('hex')}`, partitionsConcurrently: 4 },
      { topic, readers: { [COUNTER_TYPE]: codec }, handlers: { [COUNTER_TYPE]: handler(async () => watch.tick(1)) } },
    );
    const rate = await watch.done;
    await consumer.stop();
    await runtime.close();
    return rate;
  };
  const rawRates: number[] = [];
  const heraldRates: number[] = [];
  // One run takes about 3 s, so a burst of load from elsewhere can halve it: five rounds give the
  // medians two runs of slack on either side.
  for (let round = 0; round < 5; round++) {
    rawRates.push(await raw());
    heraldRates.push(await herald());
  }
  if (process.env['HERALD_BENCH_VERBOSE']) console.log('consume rates', { raw: rawRates.map(Math.round), herald: heraldRates.map(Math.round) });
  report({ name: 'runtime.consume', value: median(heraldRates), unit: 'events/s', baseline: 'kafkajs-eachBatch-cloudevent-decode-commit', baselineValue: median(rawRates) });
}

async function outboxBench(setup: Setup): Promise<void> {
  const topic = 'bench.outbox';
  const codec = counterCodec(topic);
  const TOTAL = 20_000;
  const WRITERS = 4;
  const PER_TX = 100;
  /**
   * Every round starts from new tables: a table that already went through 20,000 inserts and
   * deletes carries dead index entries that every later scan steps over, and the two sides would
   * not age alike.
   */
  const freshSchema = async (): Promise<string> => {
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    await setup.pool.query(`CREATE SCHEMA ${schema}`);
    await migrate(setup.pool, { outboxTable: `${schema}.herald_outbox`, dedupeTable: `${schema}.herald_dedupe` });
    await setup.pool.query(`CREATE TABLE ${schema}.raw_outbox (id bigserial PRIMARY KEY, topic text NOT NULL, key text NOT NULL, value bytea NOT NULL, headers jsonb NOT NULL)`);
    return schema;
  };

  /** Writers with 100 events per transaction, one INSERT per event, as a service would. */
  const writeAll = async (write: (client: pg.PoolClient, i: number) => Promise<unknown>): Promise<void> => {
    let next = 0;
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        const client = await setup.pool.connect();
        try {
          while (next < TOTAL) {
            const first = next;
            next += PER_TX;
            await client.query('BEGIN');
            for (let i = first; i < first + PER_TX; i++) await write(client, i);
            await client.query('COMMIT');
          }
        } finally {
          client.release();
        }
      }),
    );
  };

  const raw = async (schema: string): Promise<number> => {
    const rawTable = `${schema}.raw_outbox`;
    const producer = kafka(setup.cluster, 'bench-raw-relay').producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const started = process.hrtime.bigint();
    let sent = 0;
    const relay = (async () => {
      const client = await setup.pool.connect();
      try {
        while (sent < TOTAL) {
          await client.query('BEGIN');
          const { rows } = await client.query<{ topic: string; key: string; value: Buffer; headers: string }>(
            `DELETE FROM ${rawTable} WHERE id IN (SELECT id FROM ${rawTable} ORDER BY id LIMIT 1000 FOR UPDATE SKIP LOCKED) RETURNING topic, key, value, headers::text AS headers`,
          );
          if (rows.length > 0) await producer.send({ topic, acks: -1, messages: rows.map((r) => ({ key: r.key, value: r.value, headers: JSON.parse(r.headers) as Record<string, string> })) });
          await client.query('COMMIT');
          sent += rows.length;
          if (rows.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        }
      } finally {
        client.release();
      }
    })();
    await writeAll(async (client, i) => {
      const m = rawMessage(codec, event(i), 1);
      await client.query(`INSERT INTO ${rawTable} (topic, key, value, headers) VALUES ($1, $2, $3, $4::jsonb)`, [topic, m.key, m.value, JSON.stringify(m.headers)]);
    });
    await relay;
    const rate = TOTAL / (Number(process.hrtime.bigint() - started) / 1e9);
    await producer.disconnect();
    return rate;
  };
  const herald = async (schema: string): Promise<number> => {
    const { runtime } = runtimeFor(setup, codec, true, schema);
    const relay = runtime.startRelay({ pollIntervalMs: 5 });
    const relayed = async (): Promise<number> => (await runtime.metrics.outboxRelayed.get()).values.reduce((s, v) => s + v.value, 0);
    const started = process.hrtime.bigint();
    await writeAll((client, i) => runtime.outbox(client).write(codec, event(i)));
    while ((await relayed()) < TOTAL) await new Promise((resolve) => setTimeout(resolve, 5));
    const rate = TOTAL / (Number(process.hrtime.bigint() - started) / 1e9);
    await relay.stop({ flush: false });
    await runtime.close();
    return rate;
  };
  const rawRates: number[] = [];
  const heraldRates: number[] = [];
  for (let round = 0; round < 3; round++) {
    rawRates.push(await raw(await freshSchema()));
    heraldRates.push(await herald(await freshSchema()));
  }
  if (process.env['HERALD_BENCH_VERBOSE']) console.log('outbox rates', { raw: rawRates.map(Math.round), herald: heraldRates.map(Math.round) });
  report({ name: 'runtime.outbox-e2e', value: median(heraldRates), unit: 'events/s', baseline: 'insert+claim-send-delete-loop', baselineValue: median(rawRates) });
}

async function dedupeBench(setup: Setup): Promise<void> {
  const topic = 'bench.dedupe';
  const codec = counterCodec(topic);
  const TOTAL = 10_000;
  await fill(setup, topic, codec, TOTAL);
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  await setup.pool.query(`CREATE SCHEMA ${schema}`);
  await migrate(setup.pool, { dedupeTable: `${schema}.herald_dedupe`, outboxTable: `${schema}.herald_outbox` });
  await setup.pool.query(`CREATE TABLE ${schema}.raw_dedupe (consumer_group text NOT NULL, event_id text NOT NULL, PRIMARY KEY (consumer_group, event_id))`);
  await setup.pool.query(`CREATE TABLE ${schema}.effects (event_id text NOT NULL, n int NOT NULL)`);
  const writer = { id: 1, schema: codec.schema, format: 'avro' as const };

  const raw = async (): Promise<number> => {
    const group = `raw-${randomBytes(4).toString('hex')}`;
    const consumer = kafka(setup.cluster, 'bench-raw-dedupe').consumer({ groupId: group, maxWaitTimeInMs: 100, heartbeatInterval: 1_000 });
    const watch = stopwatch(TOTAL);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 4,
      eachMessage: async ({ message }) => {
        const id = message.headers!['ce_id']!.toString();
        const value = codec.decode(unframe(message.value).body, writer);
        const client = await setup.pool.connect();
        try {
          await client.query('BEGIN');
          const { rows } = await client.query(`INSERT INTO ${schema}.raw_dedupe VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`, [group, id]);
          if (rows.length > 0) await client.query(`INSERT INTO ${schema}.effects VALUES ($1, $2)`, [id, value.n]);
          await client.query('COMMIT');
        } finally {
          client.release();
        }
        watch.tick(1);
      },
    });
    const rate = await watch.done;
    await consumer.disconnect();
    return rate;
  };
  const herald = async (): Promise<number> => {
    const { runtime } = runtimeFor(setup, codec, true, schema);
    const watch = stopwatch(TOTAL);
    const consumer = await runtime.consume(
      { groupId: `herald-${randomBytes(4).toString('hex')}`, partitionsConcurrently: 4 },
      {
        topic,
        readers: { [COUNTER_TYPE]: codec },
        handlers: {
          [COUNTER_TYPE]: handler(async (value: CounterBumped, context) => {
            await context.tx.query(`INSERT INTO ${schema}.effects VALUES ($1, $2)`, [context.eventId, value.n]);
            watch.tick(1);
          }),
        },
      },
    );
    const rate = await watch.done;
    await consumer.stop();
    await runtime.close();
    return rate;
  };
  const rawRates: number[] = [];
  const heraldRates: number[] = [];
  for (let round = 0; round < 2; round++) {
    rawRates.push(await raw());
    heraldRates.push(await herald());
  }
  report({ name: 'runtime.consume-dedupe', value: median(heraldRates), unit: 'events/s', baseline: 'one-transaction-per-event', baselineValue: median(rawRates) });
}

const suite: BenchSuite = {
  description: 'runtime vs raw kafkajs/SQL on the mock cluster and PostgreSQL: publish, consume, outbox end to end, consume with dedupe',
  async run() {
    const cluster = await startMockCluster({
      brokers: 3,
      topics: ['bench.publish', 'bench.consume', 'bench.outbox', 'bench.dedupe'].flatMap((name) => [
        { name, partitions: name === 'bench.consume' ? 24 : PARTITIONS },
        { name: `${name}.dlq`, partitions: PARTITIONS },
      ]),
    });
    const database = await createScratchDatabase('herald_bench');
    const pool = new pg.Pool({ connectionString: database.url, max: 12 });
    // Dropping the scratch database at the end terminates any connection left idle in the pool.
    pool.on('error', () => {});
    const setup: Setup = { cluster, database, pool };
    try {
      const only = process.env['HERALD_BENCH_ONLY'];
      if (!only || only.includes('publish')) await publishBench(setup);
      if (!only || only.includes('consume')) await consumeBench(setup);
      if (!only || only.includes('outbox')) await outboxBench(setup);
      if (!only || only.includes('dedupe')) await dedupeBench(setup);
    } finally {
      await pool.end();
      await database.drop();
      await cluster.stop();
    }
  },
};
export default suite;
