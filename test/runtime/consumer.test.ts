import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ISocketFactory, Producer } from 'kafkajs';
import { NonRetryableError, type EventHandler, type HandlerContext, type Subscription } from '../../runtime/api.js';
import { purgeDedupe } from '../../runtime/consume/dedupe.js';
import { DlqHeader, STACK_LIMIT } from '../../runtime/consume/dead-letter.js';
import type { Runtime } from '../../runtime/runtime.js';
import { frame } from '../../runtime/wire-format.js';
import { runCli } from '../../generator/cli/run.js';
import { ApiKey, type MockCluster } from '../infra/kafka/cluster.js';
import { mockClusterSocketFactory } from '../../runtime/transport/librdkafka-mock.js';
import { readWholeTopic } from '../infra/kafka/testing.js';
import { COUNTER_TYPE, counterCodec, handler, NOTE_TYPE, noteCodec, type CounterBumped } from './support/codecs.js';
import { MOCK_KAFKA_MODULE, mockKafka, quietKafka, sleep, testDatabase, testRuntime, waitUntil, type TestDatabase } from './support/env.js';

const TOPICS = ['consume.basic', 'consume.retry', 'consume.poison', 'consume.nodb', 'consume.heartbeat', 'consume.lag', 'consume.deadline', 'consume.dlqdown'];
const TUNING = { heartbeatIntervalMs: 500, maxWaitTimeMs: 100, sessionTimeoutMs: 10_000 };

let cluster: MockCluster;
let db: TestDatabase;
let rawProducer: Producer;

beforeAll(async () => {
  // One partition for the heartbeat test: with more, kafkajs's fetches for the idle partitions
  // would heartbeat on their own and hide whether the runtime does.
  [cluster, db] = await Promise.all([mockKafka(TOPICS.map((name) => ({ name, partitions: name === 'consume.heartbeat' ? 1 : 3 }))), testDatabase()]);
  rawProducer = quietKafka(cluster, 'raw').producer();
  await rawProducer.connect();
});
afterAll(async () => {
  await rawProducer?.disconnect();
  await db?.close();
  await cluster?.stop();
});

const bump = (entityId: string, n: number): CounterBumped => ({ entityId, n, note: '' });

function subscription(topic: string, handlers: Record<string, EventHandler<unknown>>): Subscription {
  return {
    topic,
    readers: { [COUNTER_TYPE]: counterCodec(topic), [NOTE_TYPE]: noteCodec(topic) },
    handlers,
  };
}

async function metricValue(runtime: Runtime, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = runtime.metrics.registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
}

async function effectsTable(name: string): Promise<string> {
  const table = db.table(name);
  await db.pool.query(`CREATE TABLE ${table} (event_id text PRIMARY KEY, key text NOT NULL, n int NOT NULL, attempt int NOT NULL)`);
  return table;
}

describe('consumer with dedupe on PostgreSQL', () => {
  it('handles every event once in partition order inside its transaction, and skips and counts redelivered duplicates', async () => {
    const topic = 'consume.basic';
    const codec = counterCodec(topic);
    const dedupeTable = db.table('dd_basic');
    const effects = await effectsTable('fx_basic');
    const runtime = testRuntime(cluster, topic, { database: db.pool, consumer: { ...TUNING, dedupeTable }, outbox: { table: db.table('ob_basic') } });
    await runtime.migrate();

    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => runtime.publish(codec, bump(`k-${i % 10}`, i), { correlationId: `c-${i}` })),
    );
    // The same events again, as a relay would after a crash between send and delete.
    await Promise.all(results.slice(0, 40).map((r, i) => runtime.publish(codec, bump(`k-${i % 10}`, i), { eventId: r.eventId })));

    const calls: Array<{ event: CounterBumped; context: Omit<HandlerContext, 'tx'> }> = [];
    const consumer = await runtime.consume(
      { groupId: 'g-basic', partitionsConcurrently: 3 },
      subscription(topic, {
        [COUNTER_TYPE]: handler(async (event: CounterBumped, context: HandlerContext) => {
          const { tx, ...rest } = context;
          calls.push({ event, context: rest });
          await tx.query(`INSERT INTO ${effects} (event_id, key, n, attempt) VALUES ($1, $2, $3, $4)`, [context.eventId, context.key, event.n, context.attempt]);
        }),
      }),
    );
    await waitUntil('240 records to be handled or skipped', async () => (await metricValue(runtime, 'herald_events_handled_total')) + (await metricValue(runtime, 'herald_events_duplicate_total')) >= 240);
    await consumer.stop();

    expect(await metricValue(runtime, 'herald_events_handled_total', { group: 'g-basic', type: COUNTER_TYPE })).toBe(200);
    expect(await metricValue(runtime, 'herald_events_duplicate_total', { group: 'g-basic' })).toBe(40);
    expect(calls).toHaveLength(200);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM ${effects}`)).rows[0].n).toBe(200);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM ${dedupeTable} WHERE consumer_group = 'g-basic'`)).rows[0].n).toBe(200);
    for (let k = 0; k < 10; k++) {
      const ns = calls.filter((c) => c.context.key === `k-${k}`).map((c) => c.event.n);
      expect(ns).toEqual(Array.from({ length: 20 }, (_, i) => i * 10 + k));
    }
    const sample = calls.find((c) => c.event.n === 7)!;
    const published = results[7]!;
    expect(sample.context).toMatchObject({
      eventId: published.eventId,
      type: COUNTER_TYPE,
      writerSchemaId: 1,
      topic,
      partition: published.partition,
      offset: published.offset,
      key: 'k-7',
      source: '/test',
      correlationId: 'c-7',
      attempt: 1,
    });
    expect(sample.context.time).toBeInstanceOf(Date);
    expect(sample.context.headers['ce_id']).toBe(published.eventId);
    // All caught up: no lag left on any partition.
    const lag = await runtime.metrics.consumerLag.get();
    expect(lag.values.filter((v) => v.labels['group'] === 'g-basic').map((v) => v.value)).toEqual([0, 0, 0]);
    await runtime.close();
  });

  it('rolls a failed attempt back with its dedupe row, retries it with backoff, and handles the rest of the batch once', async () => {
    const topic = 'consume.retry';
    const codec = counterCodec(topic);
    const dedupeTable = db.table('dd_retry');
    const effects = await effectsTable('fx_retry');
    const runtime = testRuntime(cluster, topic, { database: db.pool, consumer: { ...TUNING, dedupeTable } });
    await runtime.migrate();
    await Promise.all(Array.from({ length: 30 }, (_, i) => runtime.publish(codec, bump('same-key', i))));

    const attemptsOf = new Map<number, number[]>();
    const consumer = await runtime.consume(
      { groupId: 'g-retry', retry: { attempts: 4, initialDelayMs: 20, maxDelayMs: 100 } },
      subscription(topic, {
        [COUNTER_TYPE]: handler(async (event: CounterBumped, context: HandlerContext) => {
          attemptsOf.set(event.n, [...(attemptsOf.get(event.n) ?? []), context.attempt]);
          await context.tx.query(`INSERT INTO ${effects} (event_id, key, n, attempt) VALUES ($1, $2, $3, $4)`, [context.eventId, context.key, event.n, context.attempt]);
          if (event.n === 17 && context.attempt < 3) throw new Error(`flaky, attempt ${context.attempt}`);
        }),
      }),
    );
    await waitUntil('30 events handled', async () => (await metricValue(runtime, 'herald_events_handled_total')) >= 30);
    await consumer.stop();

    const { rows } = await db.pool.query<{ n: number; attempt: number }>(`SELECT n, attempt FROM ${effects} ORDER BY n`);
    expect(rows.map((r) => r.n)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    // The failed attempts' writes were rolled back; the third attempt's stayed.
    expect(rows.find((r) => r.n === 17)?.attempt).toBe(3);
    expect(attemptsOf.get(17)).toEqual([1, 2, 3]);
    expect(await metricValue(runtime, 'herald_events_retried_total')).toBe(2);
    expect(await metricValue(runtime, 'herald_events_handled_total')).toBe(30);
    expect(await metricValue(runtime, 'herald_events_dead_lettered_total')).toBe(0);
    // Events after the failing one ran exactly once.
    for (let n = 18; n < 30; n++) expect(attemptsOf.get(n)).toEqual([1]);
    await runtime.close();
  });

  it('dead-letters poison records with the documented headers while the partition keeps flowing, and `herald dlq replay` brings them back', async () => {
    const topic = 'consume.poison';
    const dlq = `${topic}.dlq`;
    const codec = counterCodec(topic);
    const dedupeTable = db.table('dd_poison');
    const effects = await effectsTable('fx_poison');
    const runtime = testRuntime(cluster, topic, { database: db.pool, consumer: { ...TUNING, dedupeTable } });
    await runtime.migrate();

    const key = 'poisoned';
    const ceHeaders = (id: string, type: string): Record<string, string> => ({ ce_specversion: '1.0', ce_id: id, ce_type: type, ce_source: '/test', ce_time: new Date().toISOString() });
    const sends: Array<() => Promise<unknown>> = [
      () => runtime.publish(codec, bump(key, 1)),
      // Framed, but the Avro body stops inside the first string.
      () => rawProducer.send({ topic, messages: [{ key, value: frame(1, Buffer.from([0x08, 0x61])), headers: ceHeaders('undecodable-body', COUNTER_TYPE) }] }),
      // Not in the wire format at all.
      () => rawProducer.send({ topic, messages: [{ key, value: Buffer.from('hello'), headers: ceHeaders('not-framed', COUNTER_TYPE) }] }),
      // Not a CloudEvent: no ce_ headers.
      () => rawProducer.send({ topic, messages: [{ key, value: Buffer.from([1, 2, 3]), headers: { foo: 'bar' } }] }),
      // Well-formed JSON, framed with NoteTaken's schema id (2), but entityId is a number.
      () => rawProducer.send({ topic, messages: [{ key, value: frame(2, Buffer.from('{"entityId":5,"text":"x"}')), headers: ceHeaders('invalid-note', NOTE_TYPE) }] }),
      // A schema id the registry has never seen.
      () => rawProducer.send({ topic, messages: [{ key, value: frame(999, codec.encode(bump(key, 0))), headers: ceHeaders('unknown-schema', COUNTER_TYPE) }] }),
      () => runtime.publish(codec, bump(key, 2), { eventId: 'always-throws' }),
      () => runtime.publish(codec, bump(key, 3), { eventId: 'non-retryable' }),
      () => runtime.publish(codec, bump(key, 4)),
    ];
    for (const send of sends) await send();

    let fixed = false;
    const handledOrder: number[] = [];
    const counterHandler = handler(async (event: CounterBumped, context: HandlerContext) => {
      if (!fixed && context.eventId === 'always-throws') throw new TypeError('handler bug');
      if (!fixed && context.eventId === 'non-retryable') throw new NonRetryableError('cannot ever work');
      handledOrder.push(event.n);
      await context.tx.query(`INSERT INTO ${effects} (event_id, key, n, attempt) VALUES ($1, $2, $3, $4)`, [context.eventId, context.key, event.n, context.attempt]);
    });
    const noteHandler = handler(async () => {});
    const retry = { attempts: 3, initialDelayMs: 10, maxDelayMs: 50 };
    const consumer = await runtime.consume({ groupId: 'g-poison', retry }, subscription(topic, { [COUNTER_TYPE]: counterHandler, [NOTE_TYPE]: noteHandler }));
    await waitUntil('the good events to be handled', () => handledOrder.includes(4));
    await waitUntil('7 records dead-lettered', async () => (await metricValue(runtime, 'herald_events_dead_lettered_total')) >= 7);

    expect(handledOrder).toEqual([1, 4]);
    expect(await metricValue(runtime, 'herald_events_dead_lettered_total', { reason: 'undecodable' })).toBe(4);
    expect(await metricValue(runtime, 'herald_events_dead_lettered_total', { reason: 'invalid' })).toBe(1);
    expect(await metricValue(runtime, 'herald_events_dead_lettered_total', { reason: 'handler' })).toBe(1);
    expect(await metricValue(runtime, 'herald_events_dead_lettered_total', { reason: 'non-retryable' })).toBe(1);
    expect(await metricValue(runtime, 'herald_events_retried_total')).toBe(2);

    const reader = quietKafka(cluster, 'reader');
    const originals = await readWholeTopic(reader, topic);
    const dead = (await readWholeTopic(reader, dlq)).sort((a, b) => Number(a.headers![DlqHeader.originalOffset]) - Number(b.headers![DlqHeader.originalOffset]));
    expect(dead).toHaveLength(7);
    const text = (value: unknown): string => (value === undefined ? '' : String(value));
    const expected: Array<[string, string, string]> = [
      ['undecodable', '0', 'EventDecodeError'],
      ['undecodable', '0', 'WireFormatError'],
      ['undecodable', '0', 'EventDecodeError'],
      ['invalid', '0', 'EventValidationError'],
      ['undecodable', '0', 'EventDecodeError'],
      ['handler', '3', 'TypeError'],
      ['non-retryable', '1', 'NonRetryableError'],
    ];
    dead.forEach((record, i) => {
      const headers = record.headers!;
      const original = originals.find((o) => o.partition === Number(text(headers[DlqHeader.originalPartition])) && o.offset === text(headers[DlqHeader.originalOffset]))!;
      expect(original, `original of DLQ record ${i}`).toBeDefined();
      expect([text(headers[DlqHeader.reason]), text(headers[DlqHeader.attempts]), text(headers[DlqHeader.errorClass])]).toEqual(expected[i]);
      expect(text(headers[DlqHeader.originalTopic])).toBe(topic);
      expect(text(headers[DlqHeader.originalTimestamp])).toBe(original.timestamp);
      expect(text(headers[DlqHeader.consumerGroup])).toBe('g-poison');
      expect(text(headers[DlqHeader.errorMessage]).length).toBeGreaterThan(0);
      expect(text(headers[DlqHeader.errorStack])).toMatch(/Error/);
      expect(Buffer.byteLength(text(headers[DlqHeader.errorStack]))).toBeLessThanOrEqual(STACK_LIMIT + 3);
      expect(Date.parse(text(headers[DlqHeader.failedAt]))).not.toBeNaN();
      // The original record, byte for byte.
      expect(record.key?.toString()).toBe(key);
      expect(Buffer.compare(record.value!, original.value!)).toBe(0);
      for (const [name, value] of Object.entries(original.headers ?? {})) expect(text(headers[name])).toBe(text(value));
    });
    expect(text(dead[5]!.headers![DlqHeader.errorMessage])).toBe('handler bug');

    // The handler is fixed (a redeploy, without the ~10 s of leaving and rejoining the mock's group); then the DLQ is replayed.
    fixed = true;

    const cli = async (...args: string[]): Promise<{ code: number; out: string }> => {
      let out = '';
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
      try {
        const code = await runCli(['dlq', 'replay', '--topic', dlq, '--brokers', cluster.bootstrap, '--kafka-module', MOCK_KAFKA_MODULE, '--log-level', 'error', ...args]);
        return { code, out };
      } finally {
        spy.mockRestore();
        process.exitCode = undefined;
      }
    };
    const dry = await cli('--dry-run', '--format', 'json');
    expect(dry.code).toBe(0);
    const dryReport = JSON.parse(dry.out) as { scanned: number; replayed: number; records: Array<{ eventId?: string; skipped?: string }> };
    expect(dryReport.scanned).toBe(7);
    expect(dryReport.replayed).toBe(0);
    expect(dryReport.records.map((r) => r.eventId)).toEqual(['undecodable-body', 'not-framed', undefined, 'invalid-note', 'unknown-schema', 'always-throws', 'non-retryable']);
    // The filters (--event-type, --since) are covered against these records without Kafka in replay.test.ts.
    const logSize = async (): Promise<number> => (await runtime.transport.offsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
    expect(await logSize()).toBe(originals.length); // a dry run sends nothing

    const real = await cli();
    expect(real.code).toBe(0);
    expect(real.out).toContain('7 of 7 dead-lettered records replayed');
    await waitUntil('the replayed events to be handled', () => handledOrder.includes(2) && handledOrder.includes(3));
    await waitUntil('the still-broken records to be dead-lettered again', async () => (await metricValue(runtime, 'herald_events_dead_lettered_total')) >= 12);
    await sleep(300);
    await consumer.stop();

    expect(handledOrder).toEqual([1, 4, 2, 3]);
    expect((await db.pool.query(`SELECT n FROM ${effects} ORDER BY n`)).rows.map((r) => r.n)).toEqual([1, 2, 3, 4]);
    const replayed = (await readWholeTopic(reader, topic)).slice(originals.length);
    expect(replayed).toHaveLength(7);
    expect(replayed.every((r) => text(r.headers![DlqHeader.replayCount]) === '1' && r.headers![DlqHeader.reason] === undefined)).toBe(true);
    const deadAgain = (await readWholeTopic(reader, dlq)).slice(7);
    expect(deadAgain).toHaveLength(5);
    expect(deadAgain.every((r) => text(r.headers![DlqHeader.replayCount]) === '1')).toBe(true);
    expect(await metricValue(runtime, 'herald_events_dead_lettered_total')).toBe(12);
    // --max-replays skips what was already sent back once.
    const limited = JSON.parse((await cli('--dry-run', '--format', 'json', '--max-replays', '1')).out) as { records: Array<{ skipped?: string }> };
    expect(limited.records.filter((r) => !r.skipped)).toHaveLength(7);
    expect(limited.records.filter((r) => r.skipped?.startsWith('already replayed'))).toHaveLength(5);
    await runtime.close();
  });

  it('commits a poison record only once its DLQ copy is acknowledged, holding the partition until then', async () => {
    const topic = 'consume.dlqdown';
    const dlq = `${topic}.dlq`;
    const codec = counterCodec(topic);
    const dedupeTable = db.table('dd_dlqdown');
    const runtime = testRuntime(cluster, topic, { database: db.pool, consumer: { ...TUNING, dedupeTable } });
    await runtime.migrate();
    const first = await runtime.publish(codec, bump('held', 1));
    await rawProducer.send({ topic, messages: [{ key: 'held', value: Buffer.from('not framed'), headers: { ce_id: 'poison', ce_type: COUNTER_TYPE } }] });
    const after = await runtime.publish(codec, bump('held', 2));
    // The DLQ topic refuses writes (topic-level TOPIC_AUTHORIZATION_FAILED in the mock).
    await cluster.setTopicError(dlq, 29);
    const handled: number[] = [];
    const consumer = await runtime.consume(
      { groupId: 'g-dlqdown' },
      subscription(topic, { [COUNTER_TYPE]: handler(async (event: CounterBumped) => void handled.push(event.n)) }),
    );
    const committed = async (): Promise<string | undefined> =>
      (await runtime.transport.committedOffsets('g-dlqdown', topic)).find((c) => c.partition === first.partition)?.offset;
    await waitUntil('the record before the poison to be handled and committed', async () => (await committed()) === String(Number(first.offset) + 1));
    await sleep(2_000);
    // Not past the poison record, and nothing after it handled, while its DLQ copy cannot be written.
    expect(await committed()).toBe(String(Number(first.offset) + 1));
    expect(handled).toEqual([1]);
    expect(await metricValue(runtime, 'herald_events_dead_lettered_total')).toBe(0);

    await cluster.setTopicError(dlq, 0);
    await waitUntil('the partition to move on once the DLQ accepts writes', async () => (await committed()) === String(Number(after.offset) + 1), 30_000);
    await consumer.stop();
    expect(handled).toEqual([1, 2]);
    expect(await metricValue(runtime, 'herald_events_dead_lettered_total', { reason: 'undecodable' })).toBe(1);
    const dead = await readWholeTopic(quietKafka(cluster, 'reader'), dlq);
    expect(dead.map((r) => String(r.headers![DlqHeader.originalOffset]))).toEqual([String(Number(first.offset) + 1)]);
    await runtime.close();
  });

  it('deletes dedupe rows older than the retention window', async () => {
    const dedupeTable = db.table('dd_retention');
    const runtime = testRuntime(cluster, 'consume.basic', { database: db.pool, consumer: { dedupeTable } });
    await runtime.migrate();
    await db.pool.query(`INSERT INTO ${dedupeTable} (consumer_group, event_id, handled_at)
      SELECT 'g', 'old-' || i, now() - interval '8 days' FROM generate_series(1, 2500) i
      UNION ALL SELECT 'g', 'new-' || i, now() FROM generate_series(1, 10) i`);
    expect(await purgeDedupe(runtime.database!, dedupeTable, 7 * 24 * 3600_000, 1000)).toBe(2500);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM ${dedupeTable}`)).rows[0].n).toBe(10);
    await runtime.close();
  });
});

describe('consumer without a database, heartbeats, lag, shutdown', () => {
  it('consumes and commits without a database; context.tx says why it cannot be used', async () => {
    const topic = 'consume.nodb';
    const codec = counterCodec(topic);
    const runtime = testRuntime(cluster, topic, { consumer: TUNING });
    await Promise.all(Array.from({ length: 50 }, (_, i) => runtime.publish(codec, bump(`n-${i % 5}`, i))));
    const seen: number[] = [];
    let txError = '';
    const consumer = await runtime.consume(
      { groupId: 'g-nodb' },
      subscription(topic, {
        [COUNTER_TYPE]: handler(async (event: CounterBumped, context: HandlerContext) => {
          seen.push(event.n);
          if (event.n === 0) txError = await context.tx.query('SELECT 1').then(() => '', (e: Error) => e.message);
        }),
      }),
    );
    await waitUntil('50 events', () => seen.length >= 50);
    await consumer.stop();
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(txError).toMatch(/no database/);
    const committed = await runtime.transport.committedOffsets('g-nodb', topic);
    const ends = await runtime.transport.offsets(topic);
    // Every partition that holds records is committed to its end.
    const used = ends.filter((e) => e.high !== e.low);
    expect(used.length).toBeGreaterThan(0);
    for (const end of used) expect(committed.find((c) => c.partition === end.partition)?.offset).toBe(end.high);
    await runtime.close();
  });

  it('keeps heartbeating while a handler runs longer than the session timeout', async () => {
    const topic = 'consume.heartbeat';
    const codec = counterCodec(topic);
    // Count Heartbeat requests (API key 12) on the wire: librdkafka's mock does not evict a
    // silent member by itself, so the requests are the evidence. (kafkajs 2.2.4's fetch loop
    // heartbeats while a batch is being handled, too; the runtime's own timer is the guarantee
    // for clients that do not — see consumer.ts.)
    const heartbeats: number[] = [];
    const base = mockClusterSocketFactory();
    const socketFactory: ISocketFactory = (args) => {
      const socket = base(args);
      const write = socket.write.bind(socket) as (...a: unknown[]) => boolean;
      (socket as unknown as { write: (...a: unknown[]) => boolean }).write = (...a: unknown[]) => {
        const chunk = a[0];
        if (Buffer.isBuffer(chunk) && chunk.length >= 6 && chunk.readInt16BE(4) === ApiKey.Heartbeat) heartbeats.push(Date.now());
        return write(...a);
      };
      return socket;
    };
    const runtime = testRuntime(quietKafka(cluster, 'heartbeat', { socketFactory }), topic, { consumer: { heartbeatIntervalMs: 300, maxWaitTimeMs: 100, sessionTimeoutMs: 3_000 } });
    await runtime.publish(codec, bump('slow', 1));
    await runtime.publish(codec, bump('slow', 2));
    const calls: number[] = [];
    let window: [number, number] = [0, 0];
    const consumer = await runtime.consume(
      { groupId: 'g-heartbeat' },
      subscription(topic, {
        [COUNTER_TYPE]: handler(async (event: CounterBumped) => {
          calls.push(event.n);
          if (event.n !== 1) return;
          const began = Date.now();
          await sleep(4_000);
          window = [began, Date.now()];
        }),
      }),
    );
    await waitUntil('both events', () => calls.includes(2), 20_000);
    await consumer.stop();
    expect(calls).toEqual([1, 2]);
    const during = heartbeats.filter((t) => t > window[0] + 100 && t < window[1]);
    // One every 300 ms over 4 s (kafkajs sends one only when its interval has passed).
    expect(during.length).toBeGreaterThanOrEqual(8);
    await runtime.close();
  });

  it('reports lag per partition while behind, and on stop finishes the handler in flight and commits it', async () => {
    const topic = 'consume.lag';
    const codec = counterCodec(topic);
    const dedupeTable = db.table('dd_lag');
    const runtime = testRuntime(cluster, topic, { database: db.pool, consumer: { ...TUNING, dedupeTable, maxRecordsPerTransaction: 10 } });
    await runtime.migrate();
    // One key, so one partition, 40 records.
    const published = await Promise.all(Array.from({ length: 40 }, (_, i) => runtime.publish(codec, bump('lagging', i))));
    const partition = String(published[0]!.partition);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered = false;
    const handled: number[] = [];
    const consumer = await runtime.consume(
      { groupId: 'g-lag' },
      subscription(topic, {
        [COUNTER_TYPE]: handler(async (event: CounterBumped) => {
          if (event.n === 15) {
            entered = true;
            await gate;
          }
          handled.push(event.n);
        }),
      }),
    );
    await waitUntil('the handler of event 15 to start', () => entered);
    const lag = async (): Promise<number | undefined> =>
      (await runtime.metrics.consumerLag.get()).values.find((v) => v.labels['group'] === 'g-lag' && String(v.labels['partition']) === partition)?.value;
    // The first transaction (10 records) is committed; 30 remain.
    expect(await lag()).toBe(30);
    // Stop while event 15 is in its handler: it finishes and its transaction commits.
    const stopping = consumer.stop();
    await sleep(200);
    release();
    await stopping;
    const committed = (await runtime.transport.committedOffsets('g-lag', topic)).find((c) => String(c.partition) === partition)!;
    expect(Number(committed.offset)).toBeGreaterThanOrEqual(Number(published[15]!.offset) + 1);
    expect(Number(committed.offset)).toBe(Number(published[0]!.offset) + handled.length);
    expect(handled).toEqual(Array.from({ length: handled.length }, (_, i) => i));
    await runtime.close();
  });

  it('close() gives up after its deadline when a handler never returns', async () => {
    const topic = 'consume.deadline';
    const codec = counterCodec(topic);
    const runtime = testRuntime(cluster, topic, { consumer: TUNING });
    await runtime.publish(codec, bump('stuck', 1));
    let release!: () => void;
    const never = new Promise<void>((resolve) => (release = resolve));
    let entered = false;
    await runtime.consume(
      { groupId: 'g-deadline' },
      subscription(topic, {
        [COUNTER_TYPE]: handler(async () => {
          entered = true;
          await never;
        }),
      }),
    );
    await waitUntil('the handler to start', () => entered);
    const started = Date.now();
    await runtime.close({ deadlineMs: 1_500 });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(1_400);
    expect(took).toBeLessThan(5_000);
    expect(() => runtime.publish(codec, bump('late', 2))).toThrow(/closed/);
    release();
  });
});
