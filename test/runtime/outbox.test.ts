import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventValidationError } from '../../runtime/api.js';
import { CloudEventHeader } from '../../runtime/index.js';
import { migrate } from '../../runtime/migrate.js';
import { OutboxRelay } from '../../runtime/outbox/relay.js';
import { outboxBucket, OUTBOX_BUCKETS } from '../../runtime/outbox/schema.js';
import { KafkaTransport } from '../../runtime/transport/kafka.js';
import { unframe } from '../../runtime/wire-format.js';
import { HeraldMetrics } from '../../runtime/metrics.js';
import type { MockCluster } from '../infra/kafka/cluster.js';
import { countBy, readWholeTopic } from '../infra/kafka/testing.js';
import { startPglite } from '../infra/pglite.js';
import { COUNTER_TYPE, counterCodec, handler, type CounterBumped } from './support/codecs.js';
import { MOCK_KAFKA_MODULE, mockKafka, quietKafka, sleep, testDatabase, testRuntime, waitUntil, type TestDatabase } from './support/env.js';
import { runCli } from '../../generator/cli/run.js';

const TOPIC = 'outbox.events';
const codec = counterCodec(TOPIC);
const bump = (entityId: string, n: number): CounterBumped => ({ entityId, n, note: '' });

let cluster: MockCluster;
let db: TestDatabase;

beforeAll(async () => {
  [cluster, db] = await Promise.all([
    mockKafka([
      { name: TOPIC, partitions: 6 },
      { name: 'outbox.order', partitions: 6 },
      { name: 'outbox.down', partitions: 3 },
      { name: 'outbox.mark', partitions: 3 },
      { name: 'outbox.pglite', partitions: 3 },
    ]),
    testDatabase(),
  ]);
});
afterAll(async () => {
  await db?.close();
  await cluster?.stop();
});

describe('outbox writer', () => {
  it('writes the event inside the caller’s transaction: gone on rollback, framed and headed on commit', async () => {
    const outboxTable = db.table('ob_tx');
    const runtime = testRuntime(cluster, TOPIC, { database: db.pool, outbox: { table: outboxTable } });
    await runtime.migrate();
    await runtime.migrate(); // idempotent

    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await runtime.outbox(client).write(codec, bump('e-1', 1));
      await client.query('ROLLBACK');
      expect((await db.pool.query(`SELECT count(*)::int AS n FROM ${outboxTable}`)).rows[0].n).toBe(0);

      await client.query('BEGIN');
      const { eventId } = await runtime.outbox(client).write(codec, bump('e-1', 2), { correlationId: 'corr-1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
      await client.query('COMMIT');
      const { rows } = await db.pool.query(`SELECT * FROM ${outboxTable}`);
      expect(rows).toHaveLength(1);
      const row = rows[0];
      expect(row.event_id).toBe(eventId);
      expect(row.topic).toBe(TOPIC);
      expect(row.key).toBe('e-1');
      expect(row.bucket).toBe(outboxBucket('e-1'));
      expect(unframe(row.value).schemaId).toBe(1);
      expect(row.headers).toMatchObject({
        ce_specversion: '1.0',
        ce_id: eventId,
        ce_type: codec.type,
        ce_source: '/test',
        ce_dataschema: 'urn:herald:schema:1',
        'content-type': 'application/avro',
        ce_correlationid: 'corr-1',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      });
      expect(Date.parse(row.headers.ce_time)).not.toBeNaN();
    } finally {
      client.release();
      await runtime.close();
    }
  });

  it('refuses an invalid event before anything is written', async () => {
    const outboxTable = db.table('ob_invalid');
    const runtime = testRuntime(cluster, TOPIC, { database: db.pool, outbox: { table: outboxTable } });
    await runtime.migrate();
    await expect(runtime.outbox(db.pool).write(codec, { entityId: 'e', n: 'three' } as unknown as CounterBumped)).rejects.toThrow(EventValidationError);
    await expect(runtime.outbox(db.pool).write(codec, { entityId: '', n: 1, note: '' })).rejects.toThrow(/key field/);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM ${outboxTable}`)).rows[0].n).toBe(0);
    await runtime.close();
  });

  it('spreads keys over all buckets', () => {
    const buckets = new Set(Array.from({ length: 2_000 }, (_, i) => outboxBucket(`key-${i}`)));
    expect(buckets.size).toBe(OUTBOX_BUCKETS);
  });
});

describe('outbox relay on PostgreSQL', () => {
  it('publishes rows with their key, framed value and CloudEvents headers, then deletes them', async () => {
    const outboxTable = db.table('ob_basic');
    const runtime = testRuntime(cluster, TOPIC, { database: db.pool, outbox: { table: outboxTable } });
    await runtime.migrate();
    const ids: string[] = [];
    await runtime.database!.transaction(async (tx) => {
      for (let i = 0; i < 300; i++) ids.push((await runtime.outbox(tx).write(codec, bump(`k-${i % 7}`, i))).eventId);
    });
    const relay = runtime.startRelay({ pollIntervalMs: 20 });
    await waitUntil('the outbox to empty', async () => (await relay.backlog()).rows === 0);
    await runtime.close();

    const records = await readWholeTopic(quietKafka(cluster, 'reader'), TOPIC);
    expect(records).toHaveLength(300);
    expect(records.map((r) => r.headers?.[CloudEventHeader.id]?.toString()).sort()).toEqual([...ids].sort());
    const first = records.find((r) => r.headers?.['ce_id']?.toString() === ids[0])!;
    expect(first.key?.toString()).toBe('k-0');
    const { schemaId, body } = unframe(first.value);
    expect(schemaId).toBe(1);
    expect(codec.decode(body, { id: 1, schema: codec.schema, format: 'avro' })).toEqual(bump('k-0', 0));
    // One key, one partition.
    const partitionsPerKey = new Map<string, Set<number>>();
    for (const r of records) {
      const key = r.key!.toString();
      partitionsPerKey.set(key, (partitionsPerKey.get(key) ?? new Set()).add(r.partition));
    }
    expect([...partitionsPerKey.values()].every((set) => set.size === 1)).toBe(true);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM ${outboxTable}`)).rows[0].n).toBe(0);
  });

  it('marks rows instead of deleting them in mark mode, and purges marked rows after the retention', async () => {
    const topic = 'outbox.mark';
    const outboxTable = db.table('ob_mark');
    await migrate(db.pool, { outboxTable, only: 'outbox' });
    const runtime = testRuntime(cluster, topic, { database: db.pool, outbox: { table: outboxTable } });
    const markCodec = counterCodec(topic);
    for (let i = 0; i < 20; i++) await runtime.outbox(db.pool).write(markCodec, bump(`m-${i % 3}`, i));
    const transport = new KafkaTransport({ kafka: quietKafka(cluster, 'mark') });
    const relay = new OutboxRelay({ database: db.pool, transport, table: outboxTable, mode: 'mark', markedRetentionMs: 60_000 });
    await relay.drain();
    const { rows } = await db.pool.query(`SELECT count(*)::int AS all, count(published_at)::int AS marked FROM ${outboxTable}`);
    expect(rows[0]).toEqual({ all: 20, marked: 20 });
    expect(await relay.backlog()).toEqual({ rows: 0, oldestAgeSeconds: 0 });
    expect((await readWholeTopic(quietKafka(cluster, 'reader'), topic)).length).toBe(20);
    // Age the marks past the retention; the relay's housekeeping purges them.
    await db.pool.query(`UPDATE ${outboxTable} SET published_at = now() - interval '2 minutes'`);
    const background = new OutboxRelay({ database: db.pool, transport, table: outboxTable, mode: 'mark', markedRetentionMs: 60_000, metricsIntervalMs: 50 });
    background.start();
    await waitUntil('marked rows to be purged', async () => (await db.pool.query(`SELECT count(*)::int AS n FROM ${outboxTable}`)).rows[0].n === 0);
    await background.stop();
    await transport.close();
    await runtime.close();
  });

  it('keeps per-key write order with three relays and four concurrent writers contending on the same keys', async () => {
    const topic = 'outbox.order';
    const orderCodec = counterCodec(topic);
    const outboxTable = db.table('ob_order');
    const counters = db.table('ob_order_counters');
    const KEYS = 40;
    const EVENTS = 2_000;
    await migrate(db.pool, { outboxTable, only: 'outbox' });
    await db.pool.query(`CREATE TABLE ${counters} (key text PRIMARY KEY, n int NOT NULL)`);
    await db.pool.query(`INSERT INTO ${counters} SELECT 'key-' || i, 0 FROM generate_series(0, ${KEYS - 1}) i`);
    const writerRuntime = testRuntime(cluster, topic, { database: db.pool, outbox: { table: outboxTable } });

    const relays = Array.from({ length: 3 }, (_, i) => {
      const transport = new KafkaTransport({ kafka: quietKafka(cluster, `relay-${i}`) });
      const metrics = new HeraldMetrics();
      return { transport, metrics, relay: new OutboxRelay({ database: db.pool, transport, table: outboxTable, batchSize: 50, bucketsPerPass: 4, pollIntervalMs: 5, metrics }) };
    });
    for (const { relay } of relays) relay.start();

    // Each transaction locks a key's counter row, bumps it and writes the event: the write
    // order of a key is its counter order, and writers to one key are serialized by the lock
    // while writers to different keys commit in any order.
    let written = 0;
    const writer = async (seed: number): Promise<void> => {
      let x = seed;
      while (written < EVENTS) {
        written += 5;
        const keys = Array.from({ length: 5 }, () => {
          x = (x * 1103515245 + 12345) % 2 ** 31;
          return `key-${x % KEYS}`;
        });
        await writerRuntime.database!.transaction(async (tx) => {
          // Lock the keys in one order first, as any application must to avoid deadlocks.
          await tx.query(`SELECT key FROM ${counters} WHERE key = ANY($1) ORDER BY key FOR UPDATE`, [keys]);
          for (const key of keys) {
            const { rows } = await tx.query<{ n: number }>(`UPDATE ${counters} SET n = n + 1 WHERE key = $1 RETURNING n`, [key]);
            await writerRuntime.outbox(tx).write(orderCodec, bump(key, rows[0]!.n));
          }
        });
      }
    };
    await Promise.all([writer(1), writer(2), writer(3), writer(4)]);
    await waitUntil('the outbox to empty', async () => (await relays[0]!.relay.backlog()).rows === 0, 60_000);
    for (const { relay, transport } of relays) {
      await relay.stop();
      await transport.close();
    }
    await writerRuntime.close();

    const records = await readWholeTopic(quietKafka(cluster, 'reader'), topic);
    expect(records).toHaveLength(written);
    const ids = countBy(records.map((r) => r.headers!['ce_id']!.toString()));
    expect([...ids.values()].every((n) => n === 1)).toBe(true);
    const byKey = new Map<string, number[]>();
    for (const record of records.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset))) {
      const event = orderCodec.decode(unframe(record.value).body, { id: 1, schema: orderCodec.schema, format: 'avro' });
      byKey.set(event.entityId, [...(byKey.get(event.entityId) ?? []), event.n]);
    }
    const { rows: finalCounts } = await db.pool.query<{ key: string; n: number }>(`SELECT key, n FROM ${counters}`);
    for (const { key, n } of finalCounts) {
      // Exactly 1..n, in order: nothing lost, nothing repeated, nothing reordered.
      expect(byKey.get(key) ?? [], key).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    }
    expect(finalCounts.reduce((sum, c) => sum + c.n, 0)).toBe(written);
    // All three relays did some of the work, and together exactly all of it.
    const shares = await Promise.all(relays.map(async ({ metrics }) => (await metrics.outboxRelayed.get()).values[0]?.value ?? 0));
    expect(shares.every((n) => n > 0), `shares ${shares.join('/')}`).toBe(true);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(written);
  });

  it('backs off while Kafka is unreachable, keeps the rows, reports the backlog, and drains once Kafka is back', async () => {
    const topic = 'outbox.down';
    const downCodec = counterCodec(topic);
    const outboxTable = db.table('ob_down');
    await migrate(db.pool, { outboxTable, only: 'outbox' });
    const runtime = testRuntime(cluster, topic, { database: db.pool, outbox: { table: outboxTable } });
    for (let i = 0; i < 50; i++) await runtime.outbox(db.pool).write(downCodec, bump(`d-${i % 5}`, i));

    const metrics = new HeraldMetrics();
    const transport = new KafkaTransport({
      kafka: quietKafka(cluster, 'down', { retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 }, connectionTimeout: 500 }),
      producerRetry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 },
    });
    // Learn the metadata first, then take every broker down.
    expect((await transport.send([{ topic, key: 'warm', value: Buffer.from('x'), headers: {} }]))[0]?.ok).toBe(true);
    await cluster.brokerDown(-1);
    const relay = new OutboxRelay({ database: db.pool, transport, table: outboxTable, backoff: { initialMs: 100, maxMs: 400 }, metrics, metricsIntervalMs: 100 });
    try {
      relay.start();
      await waitUntil('three failed passes', async () => (await metrics.outboxRelayFailures.get()).values[0]?.value! >= 3, 30_000);
      expect((await relay.backlog()).rows).toBe(50);
      await sleep(300);
      const backlog = (await metrics.outboxBacklog.get()).values[0]?.value;
      expect(backlog).toBe(50);
      expect((await metrics.outboxOldestAge.get()).values[0]?.value).toBeGreaterThan(0);
    } finally {
      await cluster.brokerUp(-1);
    }
    await waitUntil('the outbox to drain after recovery', async () => (await relay.backlog()).rows === 0, 30_000);
    await relay.stop();
    await transport.close();
    await runtime.close();
    const records = await readWholeTopic(quietKafka(cluster, 'reader'), topic);
    const ids = new Set(records.filter((r) => r.key?.toString() !== 'warm').map((r) => r.headers!['ce_id']!.toString()));
    expect(ids.size).toBe(50);
  });
});

describe('herald outbox relay --once', () => {
  it('drains the table given on the command line and exits 0', async () => {
    const topic = 'outbox.cli';
    const cliCodec = counterCodec(topic);
    const outboxTable = db.table('ob_cli');
    await cluster.createTopic(topic, 3);
    const runtime = testRuntime(cluster, topic, { database: db.pool, outbox: { table: outboxTable } });
    await migrate(db.pool, { outboxTable, only: 'outbox' });
    for (let i = 0; i < 25; i++) await runtime.outbox(db.pool).write(cliCodec, bump(`c-${i % 4}`, i));
    const code = await runCli([
      'outbox', 'relay', '--once',
      '--database-url', db.url,
      '--table', outboxTable,
      '--brokers', cluster.bootstrap,
      '--kafka-module', MOCK_KAFKA_MODULE,
      '--log-level', 'silent',
    ]);
    process.exitCode = undefined;
    expect(code).toBe(0);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM ${outboxTable}`)).rows[0].n).toBe(0);
    expect((await runtime.transport.offsets(topic)).reduce((sum, p) => sum + Number(p.high), 0)).toBe(25);
    await runtime.close();
  });
});

describe('outbox on PGlite', () => {
  it('writes in a PGlite transaction, relays without blocking writers, and consumes with dedupe on PGlite', async () => {
    const topic = 'outbox.pglite';
    const pgliteCodec = counterCodec(topic);
    const embedded = await startPglite();
    try {
      const runtime = testRuntime(cluster, topic, { database: embedded.db });
      await runtime.migrate();
      const relay = runtime.startRelay({ pollIntervalMs: 10 });
      const ids: string[] = [];
      for (let t = 0; t < 20; t++) {
        await embedded.db.transaction(async (tx) => {
          for (let i = 0; i < 10; i++) ids.push((await runtime.outbox(tx).write(pgliteCodec, bump(`p-${i % 4}`, t * 10 + i))).eventId);
        });
      }
      // A rolled-back transaction leaves nothing.
      await embedded.db
        .transaction(async (tx) => {
          await runtime.outbox(tx).write(pgliteCodec, bump('p-rollback', 0));
          throw new Error('rollback');
        })
        .catch(() => {});
      await waitUntil('the PGlite outbox to empty', async () => (await relay.backlog()).rows === 0);
      await runtime.close();
      const records = await readWholeTopic(quietKafka(cluster, 'reader'), topic);
      expect(records.map((r) => r.headers!['ce_id']!.toString()).sort()).toEqual([...ids].sort());
      const byKey = new Map<string, number[]>();
      for (const record of records.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset))) {
        const event = pgliteCodec.decode(unframe(record.value).body, { id: 1, schema: pgliteCodec.schema, format: 'avro' });
        byKey.set(event.entityId, [...(byKey.get(event.entityId) ?? []), event.n]);
      }
      for (const ns of byKey.values()) expect(ns).toEqual([...ns].sort((a, b) => a - b));
      expect(byKey.has('p-rollback')).toBe(false);

      // Consuming with dedupe on the same PGlite: the handler's writes and the dedupe rows share
      // its transaction; a second copy of every event is skipped.
      const consumerRuntime = testRuntime(cluster, topic, { database: embedded.db, consumer: { heartbeatIntervalMs: 500, maxWaitTimeMs: 100 } });
      await embedded.db.query('CREATE TABLE effects (event_id text NOT NULL, n int NOT NULL)');
      await Promise.all(records.slice(0, 50).map((r) => consumerRuntime.transport.send([{ topic, key: r.key, value: r.value, headers: Object.fromEntries(Object.entries(r.headers!).map(([k, v]) => [k, String(v)])) }])));
      const consumer = await consumerRuntime.consume(
        { groupId: 'g-pglite' },
        {
          topic,
          readers: { [COUNTER_TYPE]: pgliteCodec },
          handlers: { [COUNTER_TYPE]: handler(async (event: CounterBumped, context) => void (await context.tx.query('INSERT INTO effects VALUES ($1, $2)', [context.eventId, event.n]))) },
        },
      );
      const handledPlusSkipped = async (): Promise<number> =>
        (await consumerRuntime.metrics.handled.get()).values.reduce((s, v) => s + v.value, 0) + (await consumerRuntime.metrics.duplicates.get()).values.reduce((s, v) => s + v.value, 0);
      await waitUntil('250 records consumed', async () => (await handledPlusSkipped()) >= 250);
      await consumer.stop();
      const { rows } = await embedded.db.query<{ rows: number; distinct: number }>('SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS distinct FROM effects');
      expect(rows[0]).toEqual({ rows: 200, distinct: 200 });
      expect((await consumerRuntime.metrics.duplicates.get()).values.reduce((s, v) => s + v.value, 0)).toBe(50);
      await consumerRuntime.close();
    } finally {
      await embedded.close();
    }
  });
});



