/**
 * `createRuntime`: the one object a service builds at start-up and hands to its generated domain
 * clients. It owns the Kafka transport, the schema registry client, the metrics registry, and
 * (optionally) the database used for the outbox and for consumer dedupe.
 */
import type { Registry } from 'prom-client';
import type {
  ConsumeOptions,
  ConsumerHandle,
  EventCodec,
  HeraldRuntime,
  OutboxWriter,
  PublishOptions,
  PublishResult,
  SqlExecutor,
  Subscription,
} from './api.js';
import { EventConsumer, type ConsumerTuning } from './consume/consumer.js';
import { DEFAULT_DEDUPE_TABLE } from './consume/dedupe.js';
import { consoleLogger, type Logger } from './logger.js';
import { HeraldMetrics } from './metrics.js';
import { migrate } from './migrate.js';
import { DEFAULT_OUTBOX_TABLE } from './outbox/schema.js';
import { OutboxRelay, type OutboxRelayOptions } from './outbox/relay.js';
import { SqlOutboxWriter } from './outbox/writer.js';
import { EventEncoder, Publisher, type PublisherOptions } from './publish/publisher.js';
import { HttpSchemaRegistry, type HttpSchemaRegistryOptions, type SchemaRegistry } from './registry/client.js';
import { withDeadline } from './shutdown.js';
import { toDatabase, type Database, type DatabaseInput } from './sql.js';
import { KafkaTransport, type KafkaTransportOptions } from './transport/kafka.js';
import type { Transport } from './transport/transport.js';

export type RelaySettings = Omit<OutboxRelayOptions, 'database' | 'transport' | 'table' | 'metrics' | 'logger'>;

export interface RuntimeOptions {
  /** How to reach Kafka: kafkajs settings (brokers, socketFactory, SASL …, or a pre-built `kafka`), or any Transport. */
  kafka: KafkaTransportOptions | { transport: Transport };
  /** A registry client, or the URL (and options) of a Confluent-compatible registry. */
  registry: SchemaRegistry | HttpSchemaRegistryOptions;
  /** A `pg.Pool`, a `PGlite` instance or a herald `Database`: needed for the outbox relay and for dedupe. */
  database?: DatabaseInput;
  /** CloudEvents `source` of published events (default `/<domain>` of the event). */
  source?: string;
  outbox?: { table?: string };
  consumer?: ConsumerTuning;
  publisher?: PublisherOptions;
  /** A prom-client registry to add the runtime's metrics to (default: a registry of its own, `runtime.metrics.registry`). */
  metrics?: Registry | HeraldMetrics;
  logger?: Logger;
  /** Deadline of `close()` (default 30 s). */
  closeDeadlineMs?: number;
}

export interface Runtime extends HeraldRuntime {
  readonly metrics: HeraldMetrics;
  readonly transport: Transport;
  readonly registry: SchemaRegistry;
  readonly database: Database | undefined;
  /** Creates the outbox and dedupe tables if missing; call once at start-up, before the first outbox write. */
  migrate(): Promise<void>;
  /** Runs an outbox relay inside this service until `close()`. */
  startRelay(settings?: RelaySettings): OutboxRelay;
  /** Sends everything queued by `publish()`. */
  flush(): Promise<void>;
  /**
   * Stops consumers (finishing and committing the handlers in flight), flushes and stops the
   * relay, flushes the publisher and disconnects, giving up after the deadline.
   */
  close(options?: { deadlineMs?: number }): Promise<void>;
}

function isTransportOption(kafka: RuntimeOptions['kafka']): kafka is { transport: Transport } {
  return 'transport' in kafka && kafka.transport !== undefined;
}

function isRegistry(registry: RuntimeOptions['registry']): registry is SchemaRegistry {
  return typeof (registry as SchemaRegistry).idFor === 'function';
}

export function createRuntime(options: RuntimeOptions): Runtime {
  const logger = options.logger ?? consoleLogger('warn');
  const metrics = options.metrics instanceof HeraldMetrics ? options.metrics : new HeraldMetrics(options.metrics);
  const transport = isTransportOption(options.kafka) ? options.kafka.transport : new KafkaTransport({ logger, ...options.kafka });
  const registry = isRegistry(options.registry) ? options.registry : new HttpSchemaRegistry(options.registry);
  const database = options.database ? toDatabase(options.database) : undefined;
  const outboxTable = options.outbox?.table ?? DEFAULT_OUTBOX_TABLE;
  const dedupeTable = options.consumer?.dedupeTable ?? DEFAULT_DEDUPE_TABLE;
  const encoder = new EventEncoder(registry, (codec) => options.source ?? `/${codec.domain}`);
  const publisher = new Publisher(transport, encoder, metrics, options.publisher);
  const consumers = new Set<EventConsumer>();
  const relays = new Set<OutboxRelay>();
  let closing: Promise<void> | undefined;

  const requireDatabase = (what: string): Database => {
    if (!database) throw new Error(`${what} needs a database: pass \`database\` (a pg Pool or PGlite) to createRuntime`);
    return database;
  };
  const assertOpen = (): void => {
    if (closing) throw new Error('the runtime is closed');
  };

  const runtime: Runtime = {
    metrics,
    transport,
    registry,
    database,

    publish<T>(codec: EventCodec<T>, event: T, publishOptions?: PublishOptions): Promise<PublishResult> {
      assertOpen();
      return publisher.publish(codec, event, publishOptions);
    },

    outbox(tx: SqlExecutor): OutboxWriter {
      assertOpen();
      return new SqlOutboxWriter(tx, encoder, outboxTable);
    },

    async consume(consumeOptions: ConsumeOptions, subscription: Subscription): Promise<ConsumerHandle> {
      assertOpen();
      const consumer = new EventConsumer(
        { transport, registry, ...(database ? { database } : {}), metrics, logger },
        consumeOptions,
        subscription,
        { ...options.consumer, dedupeTable },
      );
      consumers.add(consumer);
      try {
        await consumer.start();
      } catch (error) {
        consumers.delete(consumer);
        await consumer.stop().catch(() => {});
        throw error;
      }
      return {
        stop: async () => {
          consumers.delete(consumer);
          await consumer.stop();
        },
      };
    },

    migrate: () => migrate(requireDatabase('migrate'), { outboxTable, dedupeTable }),

    startRelay(settings: RelaySettings = {}): OutboxRelay {
      assertOpen();
      const relay = new OutboxRelay({ ...settings, database: requireDatabase('the outbox relay'), transport, table: outboxTable, metrics, logger });
      relays.add(relay);
      relay.start();
      return relay;
    },

    flush: () => publisher.flush(),

    close(closeOptions: { deadlineMs?: number } = {}): Promise<void> {
      closing ??= (async () => {
        const deadline = Date.now() + (closeOptions.deadlineMs ?? options.closeDeadlineMs ?? 30_000);
        const remaining = (): number => Math.max(0, deadline - Date.now());
        // Consumers first: they may still publish (to the DLQ) while finishing their handlers.
        const stopped = await withDeadline(Promise.allSettled([...consumers].map((c) => c.stop())), remaining());
        if (!stopped) logger.warn('consumers did not stop before the shutdown deadline');
        await withDeadline(Promise.allSettled([...relays].map((r) => r.stop({ flush: true, deadlineMs: remaining() }))), remaining());
        await withDeadline(publisher.flush(), remaining());
        // A consumer stuck in a handler past the deadline would keep its disconnect (and so the
        // transport's close) waiting forever; the deadline is the promise, so stop waiting.
        const closed = await withDeadline(transport.close().then(() => true), remaining());
        if (!closed) logger.warn('the Kafka client did not close before the shutdown deadline');
      })();
      return closing;
    },
  };
  return runtime;
}
