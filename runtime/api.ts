/**
 * The contract between generated code and the runtime. Generated modules build one `EventCodec`
 * per event version and call `HeraldRuntime`; nothing else in the runtime is visible to them, so
 * the transport (kafkajs today) can change without regenerating any service.
 */

/** Anything that runs parameterised SQL: a `pg` client or pool, a PGlite instance or transaction. */
export interface SqlExecutor {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: unknown[],
  ): Promise<{ rows: R[] }>;
}

/** A writer schema as the registry returned it for a schema id. */
export interface WriterSchema {
  id: number;
  /** The schema text; for Avro a JSON Avro schema, for JSON Schema the schema document. */
  schema: string;
  format: 'avro' | 'json';
}

/** What the generator knows about one event version, emitted as a literal in generated code. */
export interface EventDefinition {
  /** Event type: namespace + name, e.g. `com.acme.project.ProjectCreated`. */
  type: string;
  /** Short name, e.g. `ProjectCreated`. */
  name: string;
  version: number;
  domain: string;
  topic: string;
  /** Registry subject the writer schema is registered under. */
  subject: string;
  /** The field of the event that is the partition key. */
  keyField: string;
  format: 'avro' | 'json';
  /** The writer schema text exactly as registered (the contract file's content). */
  schema: string;
}

/** A problem with an event value, with the path inside it (`/lineItems/0/price`). */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Serde for one event version; built once at module load by generated code. */
export interface EventCodec<T> extends EventDefinition {
  /** The partition key of an event (its key field). */
  key(event: T): string;
  /** Issues found in a value; empty when it is a valid `T` for this version. */
  validate(event: unknown): ValidationIssue[];
  /** The body (without the 5-byte wire-format header). Throws `EventValidationError` on an invalid value. */
  encode(event: T): Buffer;
  /**
   * Reads a body written with any compatible writer schema into this version's shape (Avro
   * schema resolution; JSON Schema: validated against the writer, then this version). Throws
   * `EventDecodeError` when the bytes cannot be read.
   */
  decode(body: Buffer, writer: WriterSchema): T;
}

export class EventValidationError extends Error {
  constructor(
    readonly eventType: string,
    readonly issues: ValidationIssue[],
  ) {
    super(`invalid ${eventType}: ${issues.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}`);
    this.name = 'EventValidationError';
  }
}

export class EventDecodeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventDecodeError';
  }
}

/** Per-event options a producer may set; the rest of the CloudEvents attributes are filled in. */
export interface PublishOptions {
  /** Defaults to a random UUID; pass one to make a retried publish idempotent downstream. */
  eventId?: string;
  correlationId?: string;
  causationId?: string;
  /** Defaults to now. */
  time?: Date;
  traceparent?: string;
  tracestate?: string;
  /** Extra Kafka headers (string values). */
  headers?: Record<string, string>;
}

export interface PublishResult {
  eventId: string;
  topic: string;
  partition: number;
  offset: string;
}

export interface OutboxWriteResult {
  eventId: string;
}

/** Writes events into the outbox table inside the caller's transaction. */
export interface OutboxWriter {
  write<T>(codec: EventCodec<T>, event: T, options?: PublishOptions): Promise<OutboxWriteResult>;
}

/** What a handler learns about the event besides its payload. */
export interface HandlerContext {
  eventId: string;
  /** Event type, e.g. `com.acme.project.ProjectCreated`. */
  type: string;
  /** The registry id of the schema the producer wrote with. */
  writerSchemaId: number;
  topic: string;
  partition: number;
  offset: string;
  key: string;
  time: Date;
  source: string;
  correlationId?: string;
  causationId?: string;
  /** All Kafka headers as strings. */
  headers: Record<string, string>;
  /** The transaction the dedupe record is written in; the handler's own writes belong in it too. */
  tx: SqlExecutor;
  /** 1 on first delivery to the handler, then 2, 3, … on retries. */
  attempt: number;
}

export type EventHandler<T> = (event: T, context: HandlerContext) => Promise<void>;

/** Thrown by a handler to send the record to the DLQ at once, without retries. */
export class NonRetryableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetryableError';
  }
}

export interface RetryPolicy {
  /** Total attempts including the first (default 5). */
  attempts?: number;
  /** First backoff in ms (default 200), doubled each attempt, with full jitter, capped at `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export interface ConsumeOptions {
  groupId: string;
  retry?: RetryPolicy;
  /** Partitions handled at once (order within a partition always holds). */
  partitionsConcurrently?: number;
  /** Start from the earliest offset when the group has no committed offset (default true). */
  fromBeginning?: boolean;
}

/** What generated code passes to `consume`: the codec to read each event type into, and its handler. */
export interface Subscription {
  topic: string;
  readers: Record<string, EventCodec<unknown>>;
  handlers: Record<string, EventHandler<unknown> | undefined>;
}

export interface ConsumerHandle {
  /** Stops fetching, lets in-flight handlers finish, commits, disconnects. */
  stop(): Promise<void>;
}

/** The runtime a service creates once and hands to generated domain clients. */
export interface HeraldRuntime {
  publish<T>(codec: EventCodec<T>, event: T, options?: PublishOptions): Promise<PublishResult>;
  outbox(tx: SqlExecutor): OutboxWriter;
  consume(options: ConsumeOptions, subscription: Subscription): Promise<ConsumerHandle>;
  close(): Promise<void>;
}
