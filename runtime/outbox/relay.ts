/**
 * The outbox relay: claims pending rows, publishes them, then deletes (or marks) the rows Kafka
 * acknowledged. Runs in a service (`runtime.startRelay()`) or as its own process
 * (`herald outbox relay`); any number of relays may share one table.
 *
 * Why per-key order holds with several relays and concurrent writers:
 *
 * 1. A key always hashes to the same bucket (schema.ts). On PostgreSQL a relay works on a bucket
 *    only while holding a transaction-scoped advisory lock on it (`pg_try_advisory_xact_lock`),
 *    taken *before* it reads the bucket's rows and held until the transaction that deletes the
 *    published rows commits — i.e. across the Kafka send. No two relays ever publish rows of one
 *    key at the same time. Row-level `FOR UPDATE SKIP LOCKED` alone would not do: two relays
 *    could take two rows of one key and send them in either order.
 * 2. The rows are read in a statement that starts after the lock was granted, so (READ
 *    COMMITTED, enforced per transaction) it sees every delete committed by the bucket's previous
 *    owner: a row is never published again once its deletion committed.
 * 3. Within a bucket rows are published in `seq` order, and `seq` order is write order for one
 *    key (schema.ts explains why concurrent writers do not break that). No cursor is kept: a row
 *    whose transaction commits late is simply found by a later pass.
 * 4. All of a key's rows in one pass go to one partition in one produce request (the transport
 *    sends per partition), so they are written or not written together; rows not acknowledged
 *    stay and are sent again, first, in the next pass.
 * 5. A relay that dies (SIGKILL, lost connection) releases its locks with its session. Rows it
 *    had sent but not yet deleted are sent again by the next owner, *before* any later row of
 *    the same key. The log may then hold a duplicate (consumers skip it by event id), but the
 *    first occurrence of every event is still in write order: a late duplicate can only repeat
 *    an event that was already delivered.
 *
 * With PGlite there is a single session per database and its transactions exclude every other
 * query, so holding one across a Kafka send would stall the service's writers. There the relay
 * reads and deletes in short statements and the one-relay-at-a-time rule is kept in process
 * (PGlite cannot be opened by two processes).
 *
 * Kafka down: every failed pass doubles a backoff (with jitter, capped), and the rows stay.
 */
import type { SqlExecutor } from '../api.js';
import { asError, silentLogger, type Logger } from '../logger.js';
import { HeraldMetrics } from '../metrics.js';
import { recordPublish, sendRecords } from '../publish/publisher.js';
import { lockNamespace, tableName, toDatabase, type Database, type DatabaseInput } from '../sql.js';
import type { OutgoingRecord, Transport } from '../transport/transport.js';
import { DEFAULT_OUTBOX_TABLE, OUTBOX_BUCKETS } from './schema.js';

export interface OutboxRelayOptions {
  database: DatabaseInput;
  transport: Transport;
  table?: string;
  /** Most rows per pass (default 1000). */
  batchSize?: number;
  /** Most buckets one pass locks (default 16 of 64), so that other relays find work too. */
  bucketsPerPass?: number;
  /** Wait between passes when there was nothing more to do (default 100 ms). */
  pollIntervalMs?: number;
  /** After a failed pass: wait initialMs (default 200), doubled per failure, up to maxMs (default 10 s), with jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** `delete` published rows (default) or `mark` them with `published_at` and purge them after `markedRetentionMs`. */
  mode?: 'delete' | 'mark';
  /** Default 7 days. */
  markedRetentionMs?: number;
  /** How often backlog size and age are measured for the metrics (default 5 s). */
  metricsIntervalMs?: number;
  metrics?: HeraldMetrics;
  logger?: Logger;
}

export interface RelayPass {
  /** Rows read in this pass. */
  claimed: number;
  published: number;
  /** Rows Kafka did not acknowledge (they stay in the outbox). */
  failed: number;
  /** More rows were pending than this pass took. */
  more: boolean;
}

export interface OutboxBacklog {
  rows: number;
  oldestAgeSeconds: number;
}

interface OutboxRow extends Record<string, unknown> {
  bucket: number;
  seq: string | number | bigint;
  topic: string;
  key: string;
  value: Uint8Array;
  headers: string;
}

/** One relay at a time per PGlite database in this process (see the top of the file). */
const pgliteOwners = new WeakMap<object, { busy: Promise<void> }>();

export class OutboxRelay {
  private readonly db: Database;
  private readonly dbKey: object;
  private readonly transport: Transport;
  private readonly table: string;
  private readonly label: string;
  private readonly namespace: number;
  private readonly batchSize: number;
  private readonly bucketsPerPass: number;
  private readonly pollIntervalMs: number;
  private readonly backoffInitialMs: number;
  private readonly backoffMaxMs: number;
  private readonly mode: 'delete' | 'mark';
  private readonly markedRetentionMs: number;
  private readonly metricsIntervalMs: number;
  private readonly logger: Logger;
  readonly metrics: HeraldMetrics;
  private cursor = Math.floor(Math.random() * OUTBOX_BUCKETS);
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private metricsTimer: NodeJS.Timeout | undefined;
  private consecutiveFailures = 0;

  constructor(options: OutboxRelayOptions) {
    this.db = toDatabase(options.database);
    this.dbKey = options.database;
    this.transport = options.transport;
    const table = options.table ?? DEFAULT_OUTBOX_TABLE;
    this.table = tableName(table);
    this.label = table;
    // Different outbox tables in one database must not share bucket locks.
    this.namespace = lockNamespace(`herald-outbox:${table}`);
    this.batchSize = options.batchSize ?? 1000;
    this.bucketsPerPass = Math.min(options.bucketsPerPass ?? 16, OUTBOX_BUCKETS);
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.backoffInitialMs = options.backoff?.initialMs ?? 200;
    this.backoffMaxMs = options.backoff?.maxMs ?? 10_000;
    this.mode = options.mode ?? 'delete';
    this.markedRetentionMs = options.markedRetentionMs ?? 7 * 24 * 3600_000;
    this.metricsIntervalMs = options.metricsIntervalMs ?? 5_000;
    this.metrics = options.metrics ?? new HeraldMetrics();
    this.logger = options.logger ?? silentLogger;
  }

  /** Starts relaying in the background until `stop()`. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
    const tick = (): void => {
      void this.housekeeping().finally(() => {
        if (!this.stopping) this.metricsTimer = setTimeout(tick, this.metricsIntervalMs).unref();
      });
    };
    tick();
  }

  get running(): boolean {
    return this.loop !== undefined && !this.stopping;
  }

  /**
   * Stops after the pass in flight. With `flush` (default), first keeps relaying until the
   * outbox is empty or `deadlineMs` (default 10 s) has passed, so a service that shuts down
   * leaves nothing behind that it could still have sent.
   */
  async stop(options: { flush?: boolean; deadlineMs?: number } = {}): Promise<void> {
    if (!this.loop) return;
    const deadline = Date.now() + (options.deadlineMs ?? 10_000);
    if (options.flush ?? true) {
      // The background loop keeps going; wait while it makes progress and the deadline allows.
      while (Date.now() < deadline && this.consecutiveFailures === 0) {
        const backlog = await this.backlog().catch(() => undefined);
        if (!backlog || backlog.rows === 0) break;
        await sleep(Math.min(50, Math.max(0, deadline - Date.now())));
      }
    }
    this.stopping = true;
    this.wake?.();
    if (this.metricsTimer) clearTimeout(this.metricsTimer);
    const loop = this.loop;
    this.loop = undefined;
    await loop;
  }

  /** Relays until the outbox is empty; for tests and one-shot tools. */
  async drain(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pass = await this.runOnce();
      if (pass.failed > 0) {
        if (Date.now() > deadline) throw new Error(`outbox not drained within ${timeoutMs} ms: Kafka keeps failing`);
        await sleep(this.backoffDelay(++this.consecutiveFailures));
        continue;
      }
      this.consecutiveFailures = 0;
      if (pass.claimed === 0 && (await this.backlog()).rows === 0) return;
      if (Date.now() > deadline) throw new Error(`outbox not drained within ${timeoutMs} ms`);
      if (pass.claimed === 0) await sleep(this.pollIntervalMs); // rows locked by another relay
    }
  }

  /** One pass: lock buckets, read their oldest rows, send, delete or mark what was acknowledged. */
  runOnce(): Promise<RelayPass> {
    // The rows must be read by a statement that starts after the locks are granted (see the top
    // of the file); under REPEATABLE READ the snapshot would date from the first statement.
    return this.db.kind === 'pg' ? this.db.transaction((tx) => this.pass(tx, true), { readCommitted: true }) : this.pglitePass();
  }

  private async pglitePass(): Promise<RelayPass> {
    let owner = pgliteOwners.get(this.dbKey);
    if (!owner) pgliteOwners.set(this.dbKey, (owner = { busy: Promise.resolve() }));
    const previous = owner.busy;
    let release!: () => void;
    owner.busy = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      return await this.pass(this.db, false);
    } finally {
      release();
    }
  }

  private async pass(sql: SqlExecutor, locking: boolean): Promise<RelayPass> {
    const buckets = await this.claimBuckets(sql, locking);
    if (buckets.length === 0) return { claimed: 0, published: 0, failed: 0, more: false };
    const perBucket = Math.max(1, Math.ceil(this.batchSize / buckets.length));
    const { rows } = await sql.query<OutboxRow>(
      `SELECT b.bucket, r.seq, r.topic, r.key, r.value, r.headers::text AS headers
         FROM unnest($1::int[]) AS b(bucket)
         CROSS JOIN LATERAL (
           SELECT seq, topic, key, value, headers FROM ${this.table}
            WHERE bucket = b.bucket AND published_at IS NULL
            ORDER BY seq
            LIMIT $2) AS r`,
      [buckets, perBucket],
    );
    if (rows.length === 0) return { claimed: 0, published: 0, failed: 0, more: false };
    const perBucketCounts = new Map<number, number>();
    for (const row of rows) perBucketCounts.set(Number(row.bucket), (perBucketCounts.get(Number(row.bucket)) ?? 0) + 1);
    // More is pending when a bucket filled its share, or when buckets were left out of this pass.
    const more = [...perBucketCounts.values()].some((n) => n >= perBucket) || buckets.length >= (locking ? this.bucketsPerPass : OUTBOX_BUCKETS);
    // seq order across the pass keeps each bucket's (and so each key's) rows in order. Each seq
    // is converted once: a comparator that built BigInts would make thousands per pass.
    const seqs = new Map(rows.map((row) => [row, BigInt(row.seq)]));
    rows.sort((a, b) => {
      const x = seqs.get(a)!;
      const y = seqs.get(b)!;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    const records: OutgoingRecord[] = rows.map((row) => ({
      topic: row.topic,
      key: row.key,
      value: Buffer.from(row.value.buffer, row.value.byteOffset, row.value.byteLength),
      headers: JSON.parse(row.headers) as Record<string, string>,
    }));
    const started = process.hrtime.bigint();
    const outcomes = await sendRecords(this.transport, records);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const acked: string[] = [];
    const perTopic = new Map<string, { ok: number; failed: number }>();
    outcomes.forEach((outcome, i) => {
      const row = rows[i]!;
      let counts = perTopic.get(row.topic);
      if (!counts) perTopic.set(row.topic, (counts = { ok: 0, failed: 0 }));
      if (outcome.ok) {
        acked.push(String(row.seq));
        counts.ok++;
      } else counts.failed++;
    });
    recordPublish(this.metrics, perTopic, seconds);
    const failedTopics = [...perTopic].filter(([, c]) => c.failed > 0).map(([topic]) => topic);
    if (acked.length > 0) {
      await sql.query(
        this.mode === 'delete'
          ? `DELETE FROM ${this.table} WHERE seq = ANY($1::bigint[])`
          : `UPDATE ${this.table} SET published_at = now() WHERE seq = ANY($1::bigint[])`,
        [acked],
      );
    }
    const failed = rows.length - acked.length;
    if (failed > 0) {
      const firstError = outcomes.find((o) => !o.ok);
      this.logger.warn('outbox relay: Kafka did not acknowledge rows; they stay for the next pass', {
        table: this.label,
        failed,
        topics: failedTopics,
        error: firstError && !firstError.ok ? firstError.error : undefined,
      });
    }
    this.metrics.outboxRelayed.inc({ table: this.label }, acked.length);
    return { claimed: rows.length, published: acked.length, failed, more };
  }

  /**
   * The buckets this pass works on: those with pending rows (found with a loose index scan over
   * the partial index, a few dozen probes however long the backlog), starting after the last
   * bucket this relay handled so every bucket gets its turn. With `locking`, only buckets whose
   * advisory lock this transaction obtained; the lock function sits in the outer query, after
   * the ordering, so it is evaluated lazily and stops at the limit.
   */
  private async claimBuckets(sql: SqlExecutor, locking: boolean): Promise<number[]> {
    const limit = locking ? this.bucketsPerPass : OUTBOX_BUCKETS;
    const { rows } = await sql.query<{ bucket: number }>(
      `WITH RECURSIVE pending(bucket) AS (
         SELECT min(bucket) FROM ${this.table} WHERE published_at IS NULL
         UNION ALL
         SELECT (SELECT min(bucket) FROM ${this.table} WHERE published_at IS NULL AND bucket > p.bucket)
           FROM pending p WHERE p.bucket IS NOT NULL
       )
       SELECT bucket FROM (
         SELECT bucket FROM pending WHERE bucket IS NOT NULL
          ORDER BY (bucket - $2::int + ${OUTBOX_BUCKETS}) % ${OUTBOX_BUCKETS}
       ) AS candidates
       WHERE ${locking ? 'pg_try_advisory_xact_lock($1::int, bucket::int)' : '$1::int IS NOT NULL'}
       LIMIT $3`,
      [this.namespace, this.cursor, limit],
    );
    const buckets = rows.map((r) => Number(r.bucket));
    if (buckets.length > 0) this.cursor = (buckets[buckets.length - 1]! + 1) % OUTBOX_BUCKETS;
    return buckets;
  }

  /** Pending rows and the age of the oldest, as the metrics report them. */
  async backlog(): Promise<OutboxBacklog> {
    const { rows } = await this.db.query<{ rows: number | string; age: number | string | null }>(
      `SELECT count(*)::int AS rows, extract(epoch FROM (now() - min(created_at)))::float8 AS age
         FROM ${this.table} WHERE published_at IS NULL`,
    );
    const row = rows[0];
    return { rows: Number(row?.rows ?? 0), oldestAgeSeconds: Math.max(0, Number(row?.age ?? 0)) };
  }

  private async housekeeping(): Promise<void> {
    try {
      const backlog = await this.backlog();
      this.metrics.outboxBacklog.set({ table: this.label }, backlog.rows);
      this.metrics.outboxOldestAge.set({ table: this.label }, backlog.oldestAgeSeconds);
      if (this.mode === 'mark' && this.markedRetentionMs > 0) {
        await this.db.query(
          `DELETE FROM ${this.table} WHERE seq IN (
             SELECT seq FROM ${this.table}
              WHERE published_at IS NOT NULL AND published_at < now() - make_interval(secs => $1::float8)
              LIMIT 1000)`,
          [this.markedRetentionMs / 1000],
        );
      }
    } catch (error) {
      this.logger.warn('outbox relay: backlog measurement failed', { table: this.label, error: asError(error) });
    }
  }

  private backoffDelay(failures: number): number {
    const ceiling = Math.min(this.backoffMaxMs, this.backoffInitialMs * 2 ** Math.min(failures - 1, 30));
    // Equal jitter: at least half the delay, so relays that failed together do not retry in step.
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let pass: RelayPass;
      try {
        pass = await this.runOnce();
      } catch (error) {
        this.logger.warn('outbox relay pass failed', { table: this.label, error: asError(error) });
        pass = { claimed: 0, published: 0, failed: 1, more: false };
      }
      if (pass.failed > 0) {
        this.consecutiveFailures++;
        this.metrics.outboxRelayFailures.inc({ table: this.label });
        await this.pause(this.backoffDelay(this.consecutiveFailures));
        continue;
      }
      this.consecutiveFailures = 0;
      if (!pass.more) await this.pause(this.pollIntervalMs);
    }
  }

  /** A sleep that `stop()` cuts short. */
  private pause(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
