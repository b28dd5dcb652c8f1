/**
 * What the runtime needs from a Kafka client, and nothing more. kafkajs implements it today
 * (`kafka.ts`); kafkajs has had no release since 2023, so everything above this interface is
 * written so that another client (e.g. `@confluentinc/kafka-javascript`) can replace it.
 */
import type { RawHeaders } from '../cloudevents.js';

export interface OutgoingRecord {
  topic: string;
  key: string | Buffer | null;
  value: Buffer | null;
  headers: Record<string, string | Buffer>;
  /** Pins the partition; otherwise the key decides (Java-compatible murmur2), or round robin without a key. */
  partition?: number;
}

export type SendOutcome = { ok: true; partition: number; offset: string } | { ok: false; error: Error };

export interface IncomingRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: RawHeaders;
  /** Milliseconds since the epoch, as a decimal string (Kafka's record timestamp). */
  timestamp: string;
}

/** One partition's share of a fetch, handed to the consumer; records are in offset order. */
export interface PartitionBatch {
  topic: string;
  partition: number;
  records: IncomingRecord[];
  highWatermark: string;
  /** False once the consumer is stopping: finish the record at hand, commit, return. */
  isRunning(): boolean;
  /** True when the partition was revoked or sought meanwhile: the rest of the batch must not be processed. */
  isStale(): boolean;
  /** Keeps the group membership alive; throws when the group is rebalancing. */
  heartbeat(): Promise<void>;
  /** Records everything before `nextOffset` as processed and commits that offset for the group. */
  commit(nextOffset: string): Promise<void>;
}

export interface ConsumerSettings {
  groupId: string;
  /** Default 30 s: how long the group waits for a silent member before moving its partitions. */
  sessionTimeoutMs?: number;
  /** Default 3 s. */
  heartbeatIntervalMs?: number;
  /** Longest wait of one fetch for new records (default 1 s). */
  maxWaitTimeMs?: number;
}

export interface ConsumerRun {
  topics: string[];
  fromBeginning: boolean;
  partitionsConcurrently: number;
  onBatch(batch: PartitionBatch): Promise<void>;
}

export interface ConsumerTransport {
  /** Joins the group and starts fetching; resolves once fetching has begun. */
  run(run: ConsumerRun): Promise<void>;
  /** Stops fetching and waits for the batch handlers in flight to return. */
  stop(): Promise<void>;
  disconnect(): Promise<void>;
}

export interface PartitionOffsets {
  partition: number;
  /** First offset still in the log. */
  low: string;
  /** Offset the next record will get. */
  high: string;
}

export interface Transport {
  /**
   * Sends records with acks from all in-sync replicas. Records for one partition are written in
   * the order given, after any earlier `send` to that partition has settled; the outcome of each
   * record says whether the log holds it.
   */
  send(records: readonly OutgoingRecord[]): Promise<SendOutcome[]>;
  consumer(settings: ConsumerSettings): ConsumerTransport;
  /** The partitions of a topic with their log start and end offsets. */
  offsets(topic: string): Promise<PartitionOffsets[]>;
  /** The committed offset of a group per partition (`-1` when none). */
  committedOffsets(groupId: string, topic: string): Promise<Array<{ partition: number; offset: string }>>;
  close(): Promise<void>;
}

/** Thrown for a record the client claimed to have sent although the broker never acknowledged it. */
export class UnacknowledgedWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnacknowledgedWriteError';
  }
}
