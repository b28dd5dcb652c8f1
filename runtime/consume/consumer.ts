/**
 * The consumer: process, then commit.
 *
 * For each fetched partition batch, records are decoded first. Runs of decodable records are
 * handled optimistically in ONE database transaction: one statement claims all their event ids
 * in the dedupe table (duplicates come back unclaimed and are skipped), then the handlers run in
 * order on that transaction, then it commits, and only then is the Kafka offset committed. A
 * crash anywhere before the Kafka commit means a redelivery that the dedupe rows absorb.
 *
 * When a handler throws, the transaction rolls back (its dedupe rows with it, so the failed event
 * stays unhandled). The records before it are handled again in a transaction of their own and
 * committed; the failing record is retried alone, one transaction per attempt, with backoff;
 * after the last attempt it goes to the DLQ; then the rest of the run continues. A failure thus
 * costs a re-run of the records before it in that run, and the common case costs one transaction
 * per batch instead of one per event. Handlers must keep their effects inside `context.tx` (or
 * be idempotent), since an attempt that fails — or is re-run after a later record failed — is
 * rolled back.
 *
 * Records that cannot be read (not a CloudEvent, not in the wire format, schema id unknown to
 * the registry, undecodable body) or that fail validation go to the DLQ at once. A DLQ write must
 * be acknowledged before the source offset is committed; while the DLQ cannot be written the
 * partition waits (retrying), since skipping would lose the record. So no record is dropped and
 * none blocks its partition beyond its retries, as long as the DLQ is writable.
 *
 * Partitions are handled concurrently (kafkajs `partitionsConsumedConcurrently`), the records of
 * one partition strictly in order. While a batch is in progress — long handlers, backoff waits —
 * a timer keeps heartbeating so the group does not evict the member. (kafkajs 2.2.4 happens to
 * heartbeat from its fetch loop meanwhile as well; the Transport contract does not promise that,
 * and its heartbeat call sends nothing when the interval has not passed, so the timer costs no
 * extra requests.)
 */
import {
  EventDecodeError,
  EventValidationError,
  NonRetryableError,
  type ConsumeOptions,
  type ConsumerHandle,
  type EventCodec,
  type EventHandler,
  type HandlerContext,
  type SqlExecutor,
  type Subscription,
  type WriterSchema,
} from '../api.js';
import { HeaderDecoder, readCloudEvent, type CloudEventAttributes } from '../cloudevents.js';
import { asError, type Logger } from '../logger.js';
import type { HeraldMetrics, HistogramSeries } from '../metrics.js';
import type { Counter, Gauge } from 'prom-client';
import { SchemaRegistryError, type SchemaRegistry } from '../registry/client.js';
import type { Database } from '../sql.js';
import type { IncomingRecord, PartitionBatch, Transport } from '../transport/transport.js';
import { unframe } from '../wire-format.js';
import { deadLetterRecord, type DeadLetterReason } from './dead-letter.js';
import { claimEventIds, DEFAULT_DEDUPE_TABLE, purgeDedupe } from './dedupe.js';
import { isRetryable, resolveRetryPolicy, retryDelay, type ResolvedRetryPolicy } from './retry.js';

export interface ConsumerTuning {
  /** Default 30 s. */
  sessionTimeoutMs?: number;
  /** Default 3 s; also the period of the heartbeat timer that runs during handlers. */
  heartbeatIntervalMs?: number;
  /** Longest wait of one fetch (default 1 s). */
  maxWaitTimeMs?: number;
  /** Most records handled in one database transaction (default 500). */
  maxRecordsPerTransaction?: number;
  /** Dedupe table (default `herald_dedupe`). */
  dedupeTable?: string;
  /** Deletes dedupe rows older than `maxAgeMs` (default 7 days) every `intervalMs` (default 10 min); `false` turns it off. */
  dedupeRetention?: { maxAgeMs?: number; intervalMs?: number } | false;
}

export interface ConsumerDependencies {
  transport: Transport;
  registry: SchemaRegistry;
  /** Without a database there is no dedupe and `context.tx` throws when used. */
  database?: Database;
  metrics: HeraldMetrics;
  logger: Logger;
}

/** The labelled children of one (topic, event type): prom-client hashes labels on every call, so they are looked up once. */
interface TypeMetrics {
  handled: Counter.Internal;
  duplicates: Counter.Internal;
  retries: Counter.Internal;
  ignored: Counter.Internal;
  duration: HistogramSeries;
}

/**
 * What one event type maps to, resolved on its first record, so a record costs one map lookup
 * here. No handler (or no reader) means the type is ignored.
 */
interface Route {
  handler: EventHandler<unknown> | undefined;
  codec: EventCodec<unknown> | undefined;
  metrics: TypeMetrics;
}

type ReadyEvent = {
  kind: 'event';
  record: IncomingRecord;
  event: unknown;
  handler: EventHandler<unknown>;
  /** Holds the event id and type too. */
  context: HandlerContext;
  metrics: TypeMetrics;
};
type Decoded =
  | ReadyEvent
  | { kind: 'ignored'; record: IncomingRecord; metrics: TypeMetrics }
  | { kind: 'poison'; record: IncomingRecord; reason: DeadLetterReason; error: Error };
type Runnable = Exclude<Decoded, { kind: 'poison' }>;

/** A handler's own error, as opposed to the database or Kafka failing around it. */
class HandlerFailure extends Error {
  constructor(
    readonly index: number,
    override readonly cause: Error,
  ) {
    super(cause.message);
  }
}

const noDatabase: SqlExecutor = {
  query: () => Promise.reject(new Error('this consumer has no database: pass `database` to createRuntime to use context.tx')),
};

/**
 * Increments `field` of each item's series by one, in one `inc` per run of consecutive items of
 * one series (a batch is mostly one event type, so usually one call), counting only items of
 * `kind` when given.
 */
function tally(items: readonly Runnable[], field: 'handled' | 'duplicates' | 'ignored', kind?: Runnable['kind']): void {
  let series: TypeMetrics | undefined;
  let n = 0;
  for (const item of items) {
    if (kind !== undefined && item.kind !== kind) continue;
    if (item.metrics !== series) {
      if (series) series[field].inc(n);
      series = item.metrics;
      n = 0;
    }
    n++;
  }
  if (series) series[field].inc(n);
}

function nextOffset(record: IncomingRecord): string {
  return (BigInt(record.offset) + 1n).toString();
}

export class EventConsumer implements ConsumerHandle {
  private readonly group: string;
  private readonly policy: ResolvedRetryPolicy;
  private readonly chunkSize: number;
  private readonly dedupeTable: string;
  private readonly heartbeatIntervalMs: number;
  private readonly transport;
  private retentionTimer: NodeJS.Timeout | undefined;
  private stopped: Promise<void> | undefined;
  private readonly routes = new Map<string, Route>();
  private readonly headers = new HeaderDecoder();
  private readonly lagGauges = new Map<string, Gauge.Internal<'group' | 'topic' | 'partition'>>();
  /** Writer schemas by id: the registry client caches them too, but a synchronous hit saves a promise per record. */
  private readonly writers = new Map<number, WriterSchema>();

  constructor(
    private readonly deps: ConsumerDependencies,
    private readonly options: ConsumeOptions,
    private readonly subscription: Subscription,
    private readonly tuning: ConsumerTuning = {},
  ) {
    this.group = options.groupId;
    this.policy = resolveRetryPolicy(options.retry);
    // Without a database there is no transaction to bound: a whole fetched batch is one run.
    this.chunkSize = deps.database ? (tuning.maxRecordsPerTransaction ?? 500) : Number.POSITIVE_INFINITY;
    this.dedupeTable = tuning.dedupeTable ?? DEFAULT_DEDUPE_TABLE;
    this.heartbeatIntervalMs = tuning.heartbeatIntervalMs ?? 3_000;
    this.transport = deps.transport.consumer({
      groupId: options.groupId,
      ...(tuning.sessionTimeoutMs !== undefined ? { sessionTimeoutMs: tuning.sessionTimeoutMs } : {}),
      heartbeatIntervalMs: this.heartbeatIntervalMs,
      ...(tuning.maxWaitTimeMs !== undefined ? { maxWaitTimeMs: tuning.maxWaitTimeMs } : {}),
    });
  }

  async start(): Promise<void> {
    await this.transport.run({
      topics: [this.subscription.topic],
      fromBeginning: this.options.fromBeginning ?? true,
      partitionsConcurrently: this.options.partitionsConcurrently ?? 4,
      onBatch: (batch) => this.onBatch(batch),
    });
    const retention = this.tuning.dedupeRetention;
    const database = this.deps.database;
    if (database && retention !== false) {
      const maxAgeMs = retention?.maxAgeMs ?? 7 * 24 * 3600_000;
      const intervalMs = retention?.intervalMs ?? 600_000;
      this.retentionTimer = setInterval(() => {
        purgeDedupe(database, this.dedupeTable, maxAgeMs).catch((error: unknown) =>
          this.deps.logger.warn('dedupe retention failed', { table: this.dedupeTable, error: asError(error) }),
        );
      }, intervalMs).unref();
    }
  }

  /** Stops fetching, lets the handler in flight finish and commit, then leaves the group. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      if (this.retentionTimer) clearInterval(this.retentionTimer);
      try {
        await this.transport.stop();
      } finally {
        await this.transport.disconnect();
      }
    })();
    return this.stopped;
  }

  private route(topic: string, type: string): Route {
    // A consumer reads one topic, so the event type alone identifies the route.
    const id = topic === this.subscription.topic ? type : `${topic}\u0000${type}`;
    let found = this.routes.get(id);
    if (!found) {
      const labels = { group: this.group, topic, type };
      const { metrics } = this.deps;
      found = {
        handler: this.subscription.handlers[type],
        codec: this.subscription.readers[type],
        metrics: {
          handled: metrics.handled.labels(labels),
          duplicates: metrics.duplicates.labels(labels),
          retries: metrics.retries.labels(labels),
          ignored: metrics.ignored.labels(labels),
          duration: metrics.handlerDuration.labels(labels),
        },
      };
      this.routes.set(id, found);
    }
    return found;
  }

  private async onBatch(batch: PartitionBatch): Promise<void> {
    let heartbeatFailed = false;
    const timer = setInterval(() => {
      batch.heartbeat().catch((error: unknown) => {
        // A rebalance: the partition may be gone. Stop after the record at hand; kafkajs rejoins.
        heartbeatFailed = true;
        this.deps.logger.debug('heartbeat failed during a batch', { group: this.group, error: asError(error) });
      });
    }, this.heartbeatIntervalMs);
    const proceed = (): boolean => batch.isRunning() && !batch.isStale() && !heartbeatFailed;
    try {
      for (let index = 0; index < batch.records.length && proceed(); ) {
        const chunk = batch.records.slice(index, index + this.chunkSize);
        const done = await this.processChunk(batch, chunk, proceed);
        index += done;
        if (done < chunk.length) break;
      }
    } finally {
      clearInterval(timer);
    }
  }

  /** Handles a chunk in order; returns how many of its records were finished and committed. */
  private async processChunk(batch: PartitionBatch, chunk: IncomingRecord[], proceed: () => boolean): Promise<number> {
    const decoded: Decoded[] = [];
    let poisoned = false;
    for (const record of chunk) {
      const decoding = this.decode(record);
      const item = decoding instanceof Promise ? await decoding : decoding;
      if (item.kind === 'poison') poisoned = true;
      decoded.push(item);
    }
    if (!poisoned) return this.processRun(batch, decoded as Runnable[], proceed);
    let done = 0;
    let run: Runnable[] = [];
    for (const item of decoded) {
      if (item.kind !== 'poison') {
        run.push(item);
        continue;
      }
      const finished = await this.processRun(batch, run, proceed);
      done += finished;
      if (finished < run.length) return done;
      run = [];
      if (!(await this.deadLetter(batch, item.record, item.reason, item.error, 0, proceed))) return done;
      done++;
      if (!proceed()) return done;
    }
    return done + (await this.processRun(batch, run, proceed));
  }

  /**
   * Reads a record into an event, or says why it cannot be handled. Synchronous once the writer
   * schema is known (every record but the first of each schema id), so a batch costs no promise
   * per record here.
   */
  private decode(record: IncomingRecord): Decoded | Promise<Decoded> {
    const headers = this.headers.decode(record.headers);
    const attributes = readCloudEvent(headers);
    if ('missing' in attributes) {
      return { kind: 'poison', record, reason: 'undecodable', error: new EventDecodeError(`record has no ${attributes.missing} header: not a CloudEvent`) };
    }
    const route = this.route(record.topic, attributes.type);
    const { handler, codec } = route;
    // Topics carry several event types; the ones this service has no handler for are not its business.
    if (!handler || !codec) return { kind: 'ignored', record, metrics: route.metrics };
    let framed: { schemaId: number; body: Buffer };
    try {
      framed = unframe(record.value);
    } catch (error) {
      return this.unreadable(record, error);
    }
    const writer = this.writers.get(framed.schemaId);
    if (writer) return this.read(record, headers, attributes, route, handler, codec, framed, writer);
    return this.deps.registry.schemaById(framed.schemaId).then(
      (fetched) => {
        this.writers.set(framed.schemaId, fetched);
        return this.read(record, headers, attributes, route, handler, codec, framed, fetched);
      },
      (error: unknown) => {
        // An id the registry does not know is the record's fault; an unreachable registry is not,
        // and must not send good records to the DLQ: that error fails the batch, to be retried.
        if (error instanceof SchemaRegistryError && error.status === 404) {
          return this.unreadable(record, new EventDecodeError(`writer schema ${framed.schemaId} is not in the registry`, { cause: error }));
        }
        throw error;
      },
    );
  }

  private read(
    record: IncomingRecord,
    headers: Record<string, string>,
    attributes: CloudEventAttributes,
    route: Route,
    handler: EventHandler<unknown>,
    codec: EventCodec<unknown>,
    framed: { schemaId: number; body: Buffer },
    writer: WriterSchema,
  ): Decoded {
    try {
      const event = codec.decode(framed.body, writer);
      // Avro decoding yields a value of the reader's type by construction, so validating it again
      // would only cost time; a JSON body is any JSON a producer wrote, so it is checked (the
      // codec's decode should already have validated it; this holds for codecs that do not).
      if (codec.format === 'json') {
        const issues = codec.validate(event);
        if (issues.length > 0) throw new EventValidationError(codec.type, issues);
      }
      const context: HandlerContext = {
        eventId: attributes.id,
        type: attributes.type,
        writerSchemaId: framed.schemaId,
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        key: record.key?.toString() ?? '',
        time: attributes.time,
        source: attributes.source,
        headers,
        tx: noDatabase,
        attempt: 1,
      };
      if (attributes.correlationId !== undefined) context.correlationId = attributes.correlationId;
      if (attributes.causationId !== undefined) context.causationId = attributes.causationId;
      return { kind: 'event', record, event, handler, context, metrics: route.metrics };
    } catch (error) {
      return this.unreadable(record, error);
    }
  }

  private unreadable(record: IncomingRecord, error: unknown): Decoded {
    if (error instanceof EventValidationError) return { kind: 'poison', record, reason: 'invalid', error };
    // Anything else a codec throws while reading bytes (avsc's "truncated buffer", JSON.parse …).
    return { kind: 'poison', record, reason: 'undecodable', error: asError(error) };
  }

  /** Runs the handler on `tx`; its own errors come back as HandlerFailure, tagged with the record's place in the run. */
  private async invoke(item: ReadyEvent, tx: SqlExecutor, attempt: number, index: number): Promise<void> {
    // The first attempt gets the context built at decode time; a retry gets a fresh copy, so a
    // handler that kept the first one never sees it change.
    const context = attempt === 1 ? item.context : { ...item.context };
    context.tx = tx;
    context.attempt = attempt;
    const started = performance.now();
    try {
      await item.handler(item.event, context);
    } catch (error) {
      throw new HandlerFailure(index, asError(error));
    } finally {
      item.metrics.duration.observe((performance.now() - started) / 1000);
    }
  }

  /**
   * Handles a run of records with no poison among them (see the top of the file); returns how
   * many were finished and committed, which is fewer than all only when the consumer is stopping.
   */
  private async processRun(batch: PartitionBatch, run: Runnable[], proceed: () => boolean): Promise<number> {
    if (run.length === 0) return 0;
    const database = this.deps.database;
    if (!database) return this.processRunWithoutDatabase(batch, run, proceed);
    if (!run.some((item) => item.kind === 'event')) {
      this.count(run, [], []);
      await this.commit(batch, run[run.length - 1]!.record);
      return run.length;
    }
    let outcome: { handled: ReadyEvent[]; duplicates: ReadyEvent[] };
    try {
      outcome = await database.transaction(async (tx) => {
        const events = run.filter((item): item is ReadyEvent => item.kind === 'event');
        const fresh = await claimEventIds(tx, this.dedupeTable, this.group, events.map((e) => e.context.eventId));
        const handled: ReadyEvent[] = [];
        const duplicates: ReadyEvent[] = [];
        for (let i = 0; i < run.length; i++) {
          const item = run[i]!;
          if (item.kind !== 'event') continue;
          // `delete` also makes a second copy of one id within the batch a duplicate.
          if (!fresh.delete(item.context.eventId)) {
            duplicates.push(item);
            continue;
          }
          await this.invoke(item, tx, 1, i);
          handled.push(item);
        }
        return { handled, duplicates };
      });
    } catch (error) {
      if (!(error instanceof HandlerFailure)) throw error;
      const k = error.index;
      const before = k > 0 ? await this.processRun(batch, run.slice(0, k), proceed) : 0;
      if (before < k) return before;
      if (!(await this.retryThenDeadLetter(batch, run[k] as ReadyEvent, error.cause, proceed))) return k;
      return k + 1 + (await this.processRun(batch, run.slice(k + 1), proceed));
    }
    this.count(run, outcome.handled, outcome.duplicates);
    await this.commit(batch, run[run.length - 1]!.record);
    return run.length;
  }

  private async processRunWithoutDatabase(batch: PartitionBatch, run: Runnable[], proceed: () => boolean): Promise<number> {
    const handled: ReadyEvent[] = [];
    for (let i = 0; i < run.length; i++) {
      const item = run[i]!;
      if (item.kind !== 'event') continue;
      // `invoke` inlined for the first attempt, whose context already has this `tx` and attempt:
      // one promise less per record on the path with the least work per record.
      const started = performance.now();
      let failure: Error | undefined;
      try {
        await item.handler(item.event, item.context);
      } catch (error) {
        failure = asError(error);
      }
      item.metrics.duration.observe((performance.now() - started) / 1000);
      if (!failure) {
        handled.push(item);
        continue;
      }
      // Nothing to roll back without a database: commit what is done, then retry this one.
      this.count([], handled.splice(0), []);
      if (i > 0) await this.commit(batch, run[i - 1]!.record);
      if (!(await this.retryThenDeadLetter(batch, item, failure, proceed))) return i;
    }
    this.count(run, handled, []);
    await this.commit(batch, run[run.length - 1]!.record);
    return run.length;
  }

  private count(run: readonly Runnable[], handled: readonly ReadyEvent[], duplicates: readonly ReadyEvent[]): void {
    tally(handled, 'handled');
    tally(duplicates, 'duplicates');
    tally(run, 'ignored', 'ignored');
  }

  /**
   * Attempts 2…N of one record, each in its own transaction after a backoff, then the DLQ.
   * Returns false when the consumer stopped (or lost the partition) during a backoff: the record
   * is then left uncommitted and is fetched again, from attempt 1, by whoever owns it next.
   */
  private async retryThenDeadLetter(batch: PartitionBatch, item: ReadyEvent, firstError: Error, proceed: () => boolean): Promise<boolean> {
    const { database } = this.deps;
    const { metrics } = item;
    let error = firstError;
    let attempt = 1;
    while (isRetryable(error) && attempt < this.policy.attempts) {
      if (!(await this.wait(retryDelay(this.policy, attempt + 1), proceed))) return false;
      attempt++;
      metrics.retries.inc();
      try {
        if (database) {
          const current = attempt;
          const handled = await database.transaction(async (tx) => {
            const fresh = await claimEventIds(tx, this.dedupeTable, this.group, [item.context.eventId]);
            if (fresh.size === 0) return false;
            await this.invoke(item, tx, current, 0);
            return true;
          });
          if (handled) metrics.handled.inc();
          else metrics.duplicates.inc();
        } else {
          await this.invoke(item, noDatabase, attempt, 0);
          metrics.handled.inc();
        }
        await this.commit(batch, item.record);
        return true;
      } catch (caught) {
        if (!(caught instanceof HandlerFailure)) throw caught;
        error = caught.cause;
      }
    }
    const reason: DeadLetterReason =
      error instanceof NonRetryableError ? 'non-retryable' : error instanceof EventValidationError ? 'invalid' : 'handler';
    this.deps.logger.warn('dead-lettering a record after its last attempt', {
      group: this.group,
      topic: item.record.topic,
      partition: item.record.partition,
      offset: item.record.offset,
      attempts: attempt,
      error,
    });
    return this.deadLetter(batch, item.record, reason, error, attempt, proceed);
  }

  /**
   * Sends the record to `<topic>.dlq` and commits past it only once Kafka acknowledged the copy.
   * While the DLQ cannot be written the partition waits here (the record must not be skipped
   * unrecorded), retrying with a capped backoff and heartbeating, rather than failing the batch
   * into a consumer restart and rejoin. Returns false when the consumer stopped (or lost the
   * partition) first: the record stays uncommitted and comes back.
   */
  private async deadLetter(
    batch: PartitionBatch,
    record: IncomingRecord,
    reason: DeadLetterReason,
    error: Error,
    attempts: number,
    proceed: () => boolean,
  ): Promise<boolean> {
    const copy = deadLetterRecord(record, { group: this.group, attempts, reason, error });
    for (let failures = 0; ; failures++) {
      const [outcome] = await this.deps.transport.send([copy]);
      if (outcome?.ok) break;
      this.deps.logger.warn('cannot write to the DLQ; holding the partition and retrying', {
        group: this.group,
        topic: copy.topic,
        source: `${record.topic}[${record.partition}]@${record.offset}`,
        error: outcome && !outcome.ok ? outcome.error : undefined,
      });
      if (!(await this.wait(Math.min(5_000, 200 * 2 ** Math.min(failures, 5)), proceed))) return false;
    }
    this.deps.metrics.deadLettered.inc({ group: this.group, topic: record.topic, reason });
    await this.commit(batch, record);
    return true;
  }


  private async commit(batch: PartitionBatch, last: IncomingRecord): Promise<void> {
    const next = nextOffset(last);
    await batch.commit(next);
    const lag = BigInt(batch.highWatermark) - BigInt(next);
    const id = `${batch.topic}\u0000${batch.partition}`;
    let gauge = this.lagGauges.get(id);
    if (!gauge) {
      gauge = this.deps.metrics.consumerLag.labels({ group: this.group, topic: batch.topic, partition: String(batch.partition) });
      this.lagGauges.set(id, gauge);
    }
    gauge.set(Number(lag > 0n ? lag : 0n));
  }

  /** Sleeps up to `ms`, waking early (and returning false) if the consumer stops or loses the partition. */
  private async wait(ms: number, proceed: () => boolean): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!proceed()) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, until - Date.now())));
    }
    return proceed();
  }
}
