/**
 * Crash safety with real processes: relays (`herald outbox relay`, run from source with tsx)
 * and a consumer service, killed with SIGKILL mid-work and restarted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandlerContext } from '../../runtime/api.js';
import { migrate } from '../../runtime/migrate.js';
import type { MockCluster } from '../infra/kafka/cluster.js';
import { countBy, readWholeTopic } from '../infra/kafka/testing.js';
import { COUNTER_TYPE, counterCodec, handler, NOTE_TYPE, noteCodec, type CounterBumped } from './support/codecs.js';
import { MOCK_KAFKA_MODULE, mockKafka, quietKafka, REPO_ROOT, sleep, SUPPORT_DIR, testDatabase, testRuntime, waitUntil, type TestDatabase } from './support/env.js';

const CLI = path.join(REPO_ROOT, 'generator/cli/main.ts');

let cluster: MockCluster;
let db: TestDatabase;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  [cluster, db] = await Promise.all([
    mockKafka([
      { name: 'crash.relay', partitions: 6 },
      { name: 'crash.consume', partitions: 3 },
    ]),
    testDatabase(),
  ]);
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await db?.close();
  await cluster?.stop();
});

interface Child {
  process: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { process: child, output, exited };
}

async function kill(child: Child): Promise<void> {
  child.process.kill('SIGKILL');
  expect((await child.exited).signal).toBe('SIGKILL');
}

describe('crash safety', () => {
  it('outbox: 10,000 events over 100 keys through two relay processes killed with SIGKILL again and again — every event once, in order per key', async () => {
    const topic = 'crash.relay';
    const EVENTS = 10_000;
    const KEYS = 100;
    const codec = counterCodec(topic);
    const outboxTable = db.table('ob_crash');
    const dedupeTable = db.table('dd_crash');
    const effects = db.table('fx_crash');
    await migrate(db.pool, { outboxTable, dedupeTable });
    // No unique constraint: a side effect applied twice would show up as a second row.
    await db.pool.query(`CREATE TABLE ${effects} (id serial PRIMARY KEY, event_id text NOT NULL, key text NOT NULL, n int NOT NULL)`);
    const runtime = testRuntime(cluster, topic, {
      database: db.pool,
      outbox: { table: outboxTable },
      consumer: { dedupeTable, heartbeatIntervalMs: 500, maxWaitTimeMs: 100, sessionTimeoutMs: 10_000 },
    });

    const order = new Map<string, number[]>();
    const consumer = await runtime.consume(
      { groupId: 'g-crash', partitionsConcurrently: 3 },
      {
        topic,
        readers: { [COUNTER_TYPE]: codec, [NOTE_TYPE]: noteCodec(topic) },
        handlers: {
          [COUNTER_TYPE]: handler(async (event: CounterBumped, context: HandlerContext) => {
            await context.tx.query(`INSERT INTO ${effects} (event_id, key, n) VALUES ($1, $2, $3)`, [context.eventId, event.entityId, event.n]);
            order.set(event.entityId, [...(order.get(event.entityId) ?? []), event.n]);
          }),
        },
      },
    );

    const relayArgs = [
      CLI, 'outbox', 'relay',
      '--database-url', db.url,
      '--table', outboxTable,
      '--brokers', cluster.bootstrap,
      '--kafka-module', MOCK_KAFKA_MODULE,
      '--batch-size', '200',
      '--buckets-per-pass', '8',
      '--poll-interval-ms', '20',
      '--log-level', 'info',
      '--shutdown-deadline-ms', '5000',
    ];
    const relays: Child[] = [start(relayArgs), start(relayArgs)];

    // Two writers, each owning half of the keys, so every key's events are written in order
    // (n = 0, 1, 2, …), 20 per transaction, throttled to keep writing for ~10 s.
    const ids: string[] = [];
    let writing = true;
    const writer = async (parity: number): Promise<void> => {
      const mine = Array.from({ length: EVENTS }, (_, i) => i).filter((i) => (i % KEYS) % 2 === parity);
      for (let start = 0; start < mine.length; start += 20) {
        await runtime.database!.transaction(async (tx) => {
          for (const i of mine.slice(start, start + 20)) {
            ids.push((await runtime.outbox(tx).write(codec, { entityId: `key-${i % KEYS}`, n: Math.floor(i / KEYS), note: '' })).eventId);
          }
        });
        await sleep(35);
      }
    };
    const writers = Promise.all([writer(0), writer(1)]).finally(() => (writing = false));

    // Kill a random relay every 0.6–1.4 s while the writers write, and restart it shortly after.
    let kills = 0;
    let killedWithBacklog = 0;
    const backlog = async (): Promise<number> => Number((await db.pool.query(`SELECT count(*)::int AS n FROM ${outboxTable}`)).rows[0].n);
    while (writing || kills < 5) {
      await sleep(600 + Math.random() * 800);
      const victim = Math.floor(Math.random() * relays.length);
      if ((await backlog()) > 0) killedWithBacklog++;
      await kill(relays[victim]!);
      kills++;
      await sleep(100 + Math.random() * 300);
      relays[victim] = start(relayArgs);
    }
    await writers;
    expect(ids).toHaveLength(EVENTS);

    await waitUntil('the outbox to drain', async () => (await backlog()) === 0, 60_000, 100);
    const count = async (): Promise<number> => Number((await db.pool.query(`SELECT count(*)::int AS n FROM ${effects}`)).rows[0].n);
    await waitUntil('every event to be handled', async () => (await count()) >= EVENTS, 60_000, 100);
    await sleep(1_000); // a late duplicate would add a row here
    await consumer.stop();
    // Graceful stop of the survivors, once they are up (a process still loading has no handler yet).
    await waitUntil('both relays to have started', () => relays.every((r) => r.output.join('').includes('outbox relay started')), 30_000);
    for (const relay of relays) relay.process.kill('SIGTERM');
    const exits = await Promise.all(relays.map((r) => r.exited));
    expect(exits.map((e) => e.code), relays.map((r) => r.output.join('')).join('\n')).toEqual([0, 0]);

    expect(kills).toBeGreaterThanOrEqual(5);
    expect(killedWithBacklog).toBeGreaterThanOrEqual(3);
    const { rows } = await db.pool.query<{ rows: number; distinct: number }>(`SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS distinct FROM ${effects}`);
    expect(rows[0]).toEqual({ rows: EVENTS, distinct: EVENTS });
    const handledIds = new Set((await db.pool.query<{ event_id: string }>(`SELECT event_id FROM ${effects}`)).rows.map((r) => r.event_id));
    expect(ids.filter((id) => !handledIds.has(id))).toEqual([]);
    for (let k = 0; k < KEYS; k++) expect(order.get(`key-${k}`), `key-${k}`).toEqual(Array.from({ length: EVENTS / KEYS }, (_, i) => i));

    // Every extra copy in the log (re-sent by a relay killed between send and delete) was
    // recognised and skipped by the consumer's dedupe.
    const records = await readWholeTopic(quietKafka(cluster, 'reader'), topic, { timeoutMs: 60_000 });
    const copies = countBy(records.map((r) => String(r.headers!['ce_id'])));
    expect(copies.size).toBe(EVENTS);
    const duplicates = (await runtime.metrics.duplicates.get()).values.reduce((sum, v) => sum + v.value, 0);
    expect(duplicates).toBe(records.length - EVENTS);
    console.info(`outbox crash test: ${kills} SIGKILLs (${killedWithBacklog} with a backlog), ${records.length - EVENTS} duplicate records in the log, all skipped by dedupe`);
    await runtime.close();
  });

  it('consumer: a consumer process killed in the middle of its batches and restarted loses no event and applies none twice', async () => {
    const topic = 'crash.consume';
    const EVENTS = 3_000;
    const codec = counterCodec(topic);
    const dedupeTable = db.table('dd_consume');
    const effects = db.table('fx_consume');
    await migrate(db.pool, { dedupeTable, only: 'dedupe' });
    await db.pool.query(`CREATE TABLE ${effects} (id serial PRIMARY KEY, event_id text NOT NULL, key text NOT NULL, n int NOT NULL, pid int NOT NULL)`);
    const runtime = testRuntime(cluster, topic);
    const published = new Set<string>();
    for (let i = 0; i < EVENTS; i += 500) {
      const batch = await Promise.all(Array.from({ length: 500 }, (_, j) => runtime.publish(codec, { entityId: `key-${(i + j) % 30}`, n: i + j, note: '' })));
      for (const r of batch) published.add(r.eventId);
    }
    await runtime.close();

    const env = {
      DATABASE_URL: db.url,
      BROKERS: cluster.bootstrap,
      TOPIC: topic,
      GROUP: 'g-consume-crash',
      DEDUPE_TABLE: dedupeTable,
      EFFECTS_TABLE: effects,
      SLOW_EVERY: '25',
      COMMIT_DELAY_MS: '200',
    };
    const script = path.join(SUPPORT_DIR, 'consumer-process.ts');
    const count = async (): Promise<number> => Number((await db.pool.query(`SELECT count(*)::int AS n FROM ${effects}`)).rows[0].n);

    const countsAtKill: number[] = [];
    for (const killAt of [500, 1_500]) {
      const child = start([script], env);
      await waitUntil(`the consumer to handle ${killAt} events`, async () => (await count()) >= killAt, 60_000, 10);
      await kill(child);
      await sleep(300); // a COMMIT sent just before the kill may still land
      countsAtKill.push(await count());
    }
    const last = start([script], env);
    await waitUntil('every event to be handled', async () => (await count()) >= EVENTS, 90_000, 100);
    await sleep(1_000);
    last.process.kill('SIGTERM');
    expect((await last.exited).code, last.output.join('')).toBe(0);
    const summary = JSON.parse(last.output.join('').trim().split('\n').pop()!) as { handled: number; duplicates: number };

    // Both kills came in the middle of the work.
    expect(countsAtKill[0]).toBeLessThan(EVENTS);
    expect(countsAtKill[1]).toBeLessThan(EVENTS);
    const { rows } = await db.pool.query<{ rows: number; distinct: number; pids: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS distinct, count(DISTINCT pid)::int AS pids FROM ${effects}`,
    );
    expect(rows[0]).toEqual({ rows: EVENTS, distinct: EVENTS, pids: 3 });
    const handledIds = (await db.pool.query<{ event_id: string }>(`SELECT event_id FROM ${effects}`)).rows.map((r) => r.event_id);
    expect(handledIds.filter((id) => !published.has(id))).toEqual([]);
    expect(summary.handled).toBe(EVENTS - countsAtKill[1]!);
    // Killed right after a database commit, inside the 200 ms before its offset commit: the
    // next process got those records again and its dedupe skipped them.
    expect(summary.duplicates).toBeGreaterThan(0);
    console.info(`consumer crash test: killed at ${countsAtKill.join(' and ')} handled events; the last process skipped ${summary.duplicates} redelivered duplicates`);
  });
});
