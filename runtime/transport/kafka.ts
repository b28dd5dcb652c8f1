/**
 * The Transport on kafkajs 2.2.4.
 *
 * Why every send goes to exactly one partition — a kafkajs defect, found while testing the relay
 * against broker faults. kafkajs's `producer.send()` (src/producer/sendMessages.js) retries a
 * request that spans several brokers by remembering the response of each *broker* that answered
 * (`responsePerBroker`) and, on the next attempt, re-partitioning the messages against fresh
 * metadata and sending only to brokers without a response. When partition leadership moves
 * between two attempts, that loses and duplicates records even though the broker did nothing
 * wrong:
 *
 *   - lost: partition P's request to broker B fails (B down, NOT_LEADER…); P's leadership moves
 *     to broker A, which already answered for its own partitions. The retry skips A, so P's
 *     records are never sent again, and `send()` resolves as if they had been written. Its
 *     result simply has no entry for P.
 *   - duplicated: partition Q was written by broker A in the first attempt, then Q moves to
 *     broker B, which still had no response. The retry sends Q's records to B with the *next*
 *     producer sequence number, so even a real broker accepts them as new records.
 *
 * (The librdkafka mock cluster adds one duplicate source of its own: it checks idempotent
 * sequence numbers only for transactional producers, so a Produce request that it appended but
 * whose response was lost — broker taken down with the request in flight — is appended again on
 * retry. A real broker would discard that retry as a duplicate sequence.)
 *
 * Both kafkajs failures need one `send()` to span more than one broker. A send that carries one
 * partition has a single target per attempt, is finished as soon as that one broker answers, and
 * so can neither skip nor repeat a partition. This transport therefore splits every batch by
 * partition (computed with kafkajs's own Java-compatible partitioner over the topic's metadata)
 * and sends each partition's records in one request, one request per partition at a time. It
 * also still checks that the response names the partition without an error before it reports a
 * record as written, so a client that acknowledges a write the log does not hold is caught rather
 * than trusted. test/runtime/kafka-send-loss.test.ts reproduces both defects with raw kafkajs and
 * shows this transport is immune to them.
 *
 * After a failed send the producer is replaced: kafkajs rolls the partition's sequence number
 * back when a request fails, so if the broker had in fact appended it, a later batch with that
 * sequence would be taken for a duplicate and dropped. A new producer id starts a new sequence
 * space, which makes bounded retries (the relay needs `send()` to give up so it can back off)
 * safe.
 */
import {
  Kafka,
  logLevel,
  Partitioners,
  type Admin,
  type EachBatchPayload,
  type ISocketFactory,
  type KafkaConfig,
  type KafkaMessage,
  type LogEntry,
  type Message,
  type PartitionMetadata,
  type Producer,
  type RetryOptions,
} from 'kafkajs';
import { asError, silentLogger, type Logger } from '../logger.js';
import {
  UnacknowledgedWriteError,
  type ConsumerRun,
  type ConsumerSettings,
  type ConsumerTransport,
  type IncomingRecord,
  type OutgoingRecord,
  type PartitionBatch,
  type PartitionOffsets,
  type SendOutcome,
  type Transport,
} from './transport.js';

export interface KafkaTransportOptions {
  /** A pre-built kafkajs client (its own socket factory, SASL, logging …); the options below that build one are then ignored. */
  kafka?: Kafka;
  brokers?: string[];
  clientId?: string;
  /** A kafkajs socket factory, e.g. a proxy, or the test suite's Metadata fix for librdkafka's mock cluster. */
  socketFactory?: ISocketFactory;
  ssl?: KafkaConfig['ssl'];
  sasl?: KafkaConfig['sasl'];
  connectionTimeout?: number;
  requestTimeout?: number;
  /** Retries of one send before it fails and the caller takes over (default 8 retries, 100 ms to 3 s). */
  producerRetry?: RetryOptions;
  /** How long partition counts are cached (default 5 min, as Kafka's metadata.max.age.ms). */
  metadataMaxAgeMs?: number;
  logger?: Logger;
}

const DEFAULT_PRODUCER_RETRY: RetryOptions = { retries: 8, initialRetryTime: 100, maxRetryTime: 3_000 };

interface ProducerHandle {
  producer: Producer;
  ready: Promise<void>;
  inFlight: number;
  retired: boolean;
}

/**
 * kafkajs warnings about choices made here on purpose, logged at debug instead of on every start.
 * Retries are capped because a send that exhausts them fails back to its caller (the relay keeps
 * the rows), and the producer that failed is retired, so its sequence numbers are never reused.
 */
const EXPECTED_WARNINGS = [/^Limiting retries for the idempotent producer/];

function kafkaLogCreator(logger: Logger) {
  return () =>
    ({ namespace, level, log }: LogEntry): void => {
      const { message, timestamp: _timestamp, ...fields } = log;
      const text = `kafkajs ${namespace}: ${message}`;
      if ((level === logLevel.ERROR || level === logLevel.WARN) && !EXPECTED_WARNINGS.some((expected) => expected.test(message))) logger.warn(text, fields);
      else logger.debug(text, fields);
    };
}

export class KafkaTransport implements Transport {
  readonly kafka: Kafka;
  private readonly logger: Logger;
  private readonly producerRetry: RetryOptions;
  private readonly metadataMaxAgeMs: number;
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private current: ProducerHandle | undefined;
  private readonly partitionQueues = new Map<string, Promise<unknown>>();
  private readonly metadata = new Map<string, { at: number; partitions: Promise<PartitionMetadata[]> }>();
  private adminClient: Promise<Admin> | undefined;
  private readonly consumers = new Set<ConsumerTransport>();
  private closed = false;

  constructor(options: KafkaTransportOptions) {
    this.logger = options.logger ?? silentLogger;
    this.producerRetry = { ...DEFAULT_PRODUCER_RETRY, ...options.producerRetry };
    this.metadataMaxAgeMs = options.metadataMaxAgeMs ?? 300_000;
    if (options.kafka) {
      this.kafka = options.kafka;
    } else {
      if (!options.brokers?.length) throw new TypeError('KafkaTransport needs `brokers` or a `kafka` instance');
      this.kafka = new Kafka({
        clientId: options.clientId ?? 'herald',
        brokers: options.brokers,
        ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}),
        ...(options.ssl !== undefined ? { ssl: options.ssl } : {}),
        ...(options.sasl ? { sasl: options.sasl } : {}),
        ...(options.connectionTimeout !== undefined ? { connectionTimeout: options.connectionTimeout } : {}),
        ...(options.requestTimeout !== undefined ? { requestTimeout: options.requestTimeout } : {}),
        logLevel: logLevel.WARN,
        logCreator: kafkaLogCreator(this.logger),
      });
    }
  }

  async send(records: readonly OutgoingRecord[]): Promise<SendOutcome[]> {
    if (this.closed) throw new Error('transport is closed');
    const outcomes: SendOutcome[] = new Array<SendOutcome>(records.length);
    const groups = new Map<string, { topic: string; partition: number; indexes: number[] }>();
    for (const topic of new Set(records.map((record) => record.topic))) {
      let partitions: PartitionMetadata[];
      try {
        partitions = await this.partitionsOf(topic);
      } catch (error) {
        records.forEach((record, i) => {
          if (record.topic === topic) outcomes[i] = { ok: false, error: asError(error) };
        });
        continue;
      }
      records.forEach((record, i) => {
        if (record.topic !== topic) return;
        const partition =
          record.partition ??
          this.partitioner({ topic, partitionMetadata: partitions, message: { key: record.key, value: record.value } });
        const id = `${topic}\u0000${partition}`;
        let group = groups.get(id);
        if (!group) groups.set(id, (group = { topic, partition, indexes: [] }));
        group.indexes.push(i);
      });
    }
    await Promise.all(
      [...groups.entries()].map(async ([id, group]) => {
        const groupOutcomes = await this.enqueue(id, () => this.sendToPartition(group.topic, group.partition, group.indexes.map((i) => records[i]!)));
        group.indexes.forEach((recordIndex, i) => (outcomes[recordIndex] = groupOutcomes[i]!));
      }),
    );
    return outcomes;
  }

  /** Runs sends to one partition strictly one after another, so a retry never overtakes a later batch. */
  private enqueue<T>(id: string, task: () => Promise<T>): Promise<T> {
    const previous = this.partitionQueues.get(id) ?? Promise.resolve();
    const next = previous.then(task, task);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.partitionQueues.set(id, settled);
    void settled.then(() => {
      if (this.partitionQueues.get(id) === settled) this.partitionQueues.delete(id);
    });
    return next;
  }

  private async sendToPartition(topic: string, partition: number, records: OutgoingRecord[]): Promise<SendOutcome[]> {
    let handle: ProducerHandle | undefined;
    try {
      handle = this.producerHandle();
      handle.inFlight++;
      await handle.ready;
      const messages: Message[] = records.map((record) => ({
        key: record.key,
        value: record.value,
        headers: record.headers,
        partition,
      }));
      const result = await handle.producer.send({ topic, acks: -1, messages });
      // Trust only a response that names this partition without an error (see the top of the file).
      const entry = result.find((r) => r.topicName === topic && r.partition === partition);
      if (!entry || entry.errorCode !== 0 || entry.baseOffset === undefined || result.length !== 1) {
        throw new UnacknowledgedWriteError(
          `kafkajs reported ${topic}[${partition}] as sent without a matching acknowledgement (${JSON.stringify(result)})`,
        );
      }
      const base = BigInt(entry.baseOffset);
      return records.map((_, i) => ({ ok: true, partition, offset: (base + BigInt(i)).toString() }));
    } catch (error) {
      const failure = asError(error);
      if (handle) this.retire(handle);
      if (/UNKNOWN_TOPIC_OR_PARTITION|does not host this topic-partition/i.test(failure.message)) this.metadata.delete(topic);
      this.logger.warn('send failed', { topic, partition, records: records.length, error: failure });
      return records.map(() => ({ ok: false, error: failure }));
    } finally {
      if (handle) {
        handle.inFlight--;
        if (handle.retired && handle.inFlight === 0) void this.disconnectProducer(handle);
      }
    }
  }

  private producerHandle(): ProducerHandle {
    if (this.current && !this.current.retired) return this.current;
    const producer = this.kafka.producer({
      idempotent: true,
      // One request in flight per broker connection keeps the idempotent sequence simple; the
      // per-partition queue already allows only one request per partition.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: this.producerRetry,
      // Records arrive with their partition already chosen (send() above); naming the partitioner
      // only keeps kafkajs from warning about its v2 default change on every start.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    const handle: ProducerHandle = { producer, ready: producer.connect(), inFlight: 0, retired: false };
    handle.ready.catch(() => this.retire(handle));
    this.current = handle;
    return handle;
  }

  private retire(handle: ProducerHandle): void {
    if (handle.retired) return;
    handle.retired = true;
    if (this.current === handle) this.current = undefined;
    if (handle.inFlight === 0) void this.disconnectProducer(handle);
  }

  private async disconnectProducer(handle: ProducerHandle): Promise<void> {
    try {
      await handle.producer.disconnect();
    } catch (error) {
      this.logger.debug('producer disconnect failed', { error: asError(error) });
    }
  }

  private admin(): Promise<Admin> {
    if (!this.adminClient) {
      const admin = this.kafka.admin();
      const connecting = admin.connect().then(() => admin);
      connecting.catch(() => {
        if (this.adminClient === connecting) this.adminClient = undefined;
      });
      this.adminClient = connecting;
    }
    return this.adminClient;
  }

  private partitionsOf(topic: string): Promise<PartitionMetadata[]> {
    const cached = this.metadata.get(topic);
    if (cached && Date.now() - cached.at < this.metadataMaxAgeMs) return cached.partitions;
    const partitions = (async () => {
      const admin = await this.admin();
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const found = topics.find((t) => t.name === topic)?.partitions ?? [];
      if (found.length === 0) throw new Error(`topic ${topic} has no partitions (does it exist?)`);
      return [...found].sort((a, b) => a.partitionId - b.partitionId);
    })();
    const entry = { at: Date.now(), partitions };
    partitions.catch(() => {
      if (this.metadata.get(topic) === entry) this.metadata.delete(topic);
    });
    this.metadata.set(topic, entry);
    return partitions;
  }

  consumer(settings: ConsumerSettings): ConsumerTransport {
    const consumer = this.kafka.consumer({
      groupId: settings.groupId,
      sessionTimeout: settings.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: settings.heartbeatIntervalMs ?? 3_000,
      maxWaitTimeInMs: settings.maxWaitTimeMs ?? 1_000,
      allowAutoTopicCreation: false,
    });
    const transport: ConsumerTransport = {
      run: async ({ topics, fromBeginning, partitionsConcurrently, onBatch }: ConsumerRun) => {
        await consumer.connect();
        await consumer.subscribe({ topics, fromBeginning });
        await consumer.run({
          autoCommit: false,
          // Offsets are resolved record by record as they are processed, so a batch cut short
          // (stop, rebalance, failure) is fetched again from the first unprocessed record.
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: partitionsConcurrently,
          eachBatch: (payload) => onBatch(toPartitionBatch(payload)),
        });
      },
      stop: () => consumer.stop(),
      disconnect: async () => {
        this.consumers.delete(transport);
        await consumer.disconnect();
      },
    };
    this.consumers.add(transport);
    return transport;
  }

  async offsets(topic: string): Promise<PartitionOffsets[]> {
    const admin = await this.admin();
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets
      .map(({ partition, low, high }) => ({ partition, low, high }))
      .sort((a, b) => a.partition - b.partition);
  }

  async committedOffsets(groupId: string, topic: string): Promise<Array<{ partition: number; offset: string }>> {
    const admin = await this.admin();
    const result = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (result.find((t) => t.topic === topic)?.partitions ?? []).map(({ partition, offset }) => ({ partition, offset }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.partitionQueues.values()]);
    const handle = this.current;
    this.current = undefined;
    const admin = this.adminClient;
    this.adminClient = undefined;
    await Promise.allSettled([
      ...(handle ? [this.disconnectProducer(handle)] : []),
      ...(admin ? [admin.then((a) => a.disconnect())] : []),
      ...[...this.consumers].map((c) => c.disconnect()),
    ]);
  }
}

function toIncoming(topic: string, partition: number, message: KafkaMessage): IncomingRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: message.headers ?? {},
    timestamp: message.timestamp,
  };
}

function toPartitionBatch(payload: EachBatchPayload): PartitionBatch {
  const { batch } = payload;
  return {
    topic: batch.topic,
    partition: batch.partition,
    records: batch.messages.map((message) => toIncoming(batch.topic, batch.partition, message)),
    highWatermark: batch.highWatermark,
    isRunning: () => payload.isRunning(),
    isStale: () => payload.isStale(),
    heartbeat: () => payload.heartbeat(),
    commit: async (nextOffset) => {
      payload.resolveOffset((BigInt(nextOffset) - 1n).toString());
      await payload.commitOffsetsIfNecessary({
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: nextOffset }] }],
      });
    },
  };
}
