/**
 * Direct publishing: validate, encode, frame, attach CloudEvents headers, and send through the
 * transport. Concurrent `publish()` calls are gathered into one send while the previous one is
 * in flight (group commit), which is what makes many small publishes cost about as much as one
 * batch. Within one process, events with the same key are sent in the order `publish()` was
 * called; a failed send is reported to its callers and not retried here (the outbox is the way
 * to publish with retries and order across failures).
 */
import { EventValidationError, type EventCodec, type PublishOptions, type PublishResult } from '../api.js';
import { cloudEventHeaders, Header } from '../cloudevents.js';
import type { HeraldMetrics } from '../metrics.js';
import type { SchemaRegistry } from '../registry/client.js';
import type { OutgoingRecord, SendOutcome, Transport } from '../transport/transport.js';
import { frame } from '../wire-format.js';

/** An event ready for Kafka: framed value, key and headers. */
export interface PreparedEvent {
  eventId: string;
  type: string;
  topic: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/** Turns a typed event into its Kafka record; shared by direct publishing and the outbox writer. */
export class EventEncoder {
  /** Schema id and dataschema URI per codec: codecs are module-level singletons in generated code. */
  private readonly resolved = new WeakMap<object, { id: number; uri: string }>();

  constructor(
    private readonly registry: SchemaRegistry,
    private readonly source: (codec: EventCodec<unknown>) => string,
  ) {}

  private async resolve(codec: EventCodec<unknown>): Promise<{ id: number; uri: string }> {
    const id = await this.registry.idFor(codec.subject, codec.schema, codec.format);
    const entry = { id, uri: this.registry.schemaUri(id) };
    this.resolved.set(codec, entry);
    return entry;
  }

  /** Synchronous once the codec's schema id is known (after its first event): no promise per event. */
  prepare<T>(codec: EventCodec<T>, event: T, options: PublishOptions = {}): PreparedEvent | Promise<PreparedEvent> {
    const schema = this.resolved.get(codec);
    if (schema) return this.build(codec, event, options, schema);
    // The first event of a codec: validate before asking the registry, so an invalid event fails the same way.
    this.check(codec, event);
    return this.resolve(codec as EventCodec<unknown>).then((resolved) => this.build(codec, event, options, resolved));
  }

  private check<T>(codec: EventCodec<T>, event: T): string {
    // Validation first: an invalid event must not leave the process, nor reach the outbox.
    const issues = codec.validate(event);
    if (issues.length > 0) throw new EventValidationError(codec.type, issues);
    const key = codec.key(event);
    if (typeof key !== 'string' || key.length === 0) {
      throw new EventValidationError(codec.type, [{ path: `/${codec.keyField}`, message: 'the key field must be a non-empty string' }]);
    }
    return key;
  }

  private build<T>(codec: EventCodec<T>, event: T, options: PublishOptions, schema: { id: number; uri: string }): PreparedEvent {
    const key = this.check(codec, event);
    // Generated codecs write header and body into one buffer; a hand-written one may only encode.
    const value = codec.encodeFramed ? codec.encodeFramed(event, schema.id) : frame(schema.id, codec.encode(event));
    const headers = cloudEventHeaders({ definition: codec, source: this.source(codec as EventCodec<unknown>), dataschema: schema.uri, options });
    return { eventId: headers[Header.id]!, type: codec.type, topic: codec.topic, key, value, headers };
  }
}

interface Pending {
  record: OutgoingRecord;
  eventId: string;
  resolve(result: PublishResult): void;
  reject(error: Error): void;
}

export interface PublisherOptions {
  /** Most records in one send (default 1000). */
  maxBatch?: number;
}

export class Publisher {
  private queue: Pending[] = [];
  private inFlight: Promise<void> | undefined;
  private scheduled = false;
  private readonly maxBatch: number;

  constructor(
    private readonly transport: Transport,
    private readonly encoder: EventEncoder,
    private readonly metrics: HeraldMetrics,
    options: PublisherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 1000;
  }

  publish<T>(codec: EventCodec<T>, event: T, options?: PublishOptions): Promise<PublishResult> {
    let prepared: PreparedEvent | Promise<PreparedEvent>;
    try {
      prepared = this.encoder.prepare(codec, event, options);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return prepared instanceof Promise ? prepared.then((p) => this.enqueue(p)) : this.enqueue(prepared);
  }

  private enqueue(prepared: PreparedEvent): Promise<PublishResult> {
    return new Promise<PublishResult>((resolve, reject) => {
      this.queue.push({
        record: { topic: prepared.topic, key: prepared.key, value: prepared.value, headers: prepared.headers },
        eventId: prepared.eventId,
        resolve,
        reject,
      });
      this.schedule();
    });
  }

  /** Resolves once everything queued so far has been sent (or failed). */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight || this.scheduled) {
      if (this.inFlight) await this.inFlight;
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    // One turn of the event loop lets the publish() calls of the same tick join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxBatch);
    this.inFlight = this.sendBatch(batch).finally(() => {
      this.inFlight = undefined;
      this.drain();
    });
  }

  private async sendBatch(batch: Pending[]): Promise<void> {
    const started = process.hrtime.bigint();
    let outcomes: SendOutcome[];
    try {
      outcomes = await sendRecords(this.transport, batch.map((p) => p.record));
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      outcomes = batch.map(() => ({ ok: false, error: failure }));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const perTopic = new Map<string, { ok: number; failed: number }>();
    batch.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      const topic = pending.record.topic;
      let counts = perTopic.get(topic);
      if (!counts) perTopic.set(topic, (counts = { ok: 0, failed: 0 }));
      if (outcome.ok) {
        counts.ok++;
        pending.resolve({ eventId: pending.eventId, topic, partition: outcome.partition, offset: outcome.offset });
      } else {
        counts.failed++;
        pending.reject(outcome.error);
      }
    });
    recordPublish(this.metrics, perTopic, seconds);
  }
}

/** One metrics update per topic and batch (prom-client hashes labels on every call). */
export function recordPublish(metrics: HeraldMetrics, perTopic: Map<string, { ok: number; failed: number }>, seconds: number): void {
  for (const [topic, { ok, failed }] of perTopic) {
    if (ok) metrics.published.inc({ topic }, ok);
    if (failed) metrics.publishFailures.inc({ topic }, failed);
    metrics.publishDuration.observe({ topic }, seconds);
  }
}

/** `transport.send`, with a check that it answered for every record. */
export async function sendRecords(transport: Transport, records: readonly OutgoingRecord[]): Promise<SendOutcome[]> {
  const outcomes = await transport.send(records);
  if (outcomes.length !== records.length || outcomes.some((o) => o === undefined)) {
    throw new Error(`transport answered for ${outcomes.length} of ${records.length} records`);
  }
  return outcomes;
}
