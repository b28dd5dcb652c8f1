/**
 * Dead-letter replay: reads a `<topic>.dlq` topic from its start up to its end at the time of the
 * call, picks the records that match the filters, and sends each back to the topic named in its
 * `dlq_original_topic` header with its original key, value and headers and `dlq_replay_count`
 * raised by one. Records of one DLQ partition are sent in their DLQ order.
 *
 * Replaying twice is harmless: a record that was handled after the first replay is skipped by
 * the consumer's dedupe, because the event id does not change.
 */
import { randomUUID } from 'node:crypto';
import { headersToStrings } from '../cloudevents.js';
import { asError, silentLogger, type Logger } from '../logger.js';
import type { IncomingRecord, OutgoingRecord, Transport } from '../transport/transport.js';
import { DlqHeader, replayRecord } from './dead-letter.js';

export interface ReplayOptions extends ReplayFilter {
  transport: Transport;
  /** The DLQ topic, e.g. `orders.events.dlq`. */
  dlqTopic: string;
  /** Report what would be sent, send nothing. */
  dryRun?: boolean;
  /** How long to wait for the DLQ to be read (default 60 s). */
  readTimeoutMs?: number;
  logger?: Logger;
}

export interface ReplayedRecord {
  partition: number;
  offset: string;
  eventId?: string;
  type?: string;
  originalTopic?: string;
  reason?: string;
  /** Why the record was not sent, when it was not. */
  skipped?: string;
}

export interface ReplayReport {
  scanned: number;
  replayed: number;
  records: ReplayedRecord[];
}

const SEND_CHUNK = 500;

export interface ReplayFilter {
  /** Only records with this `ce_type`. */
  eventType?: string;
  /** Only records dead-lettered at or after this time. */
  since?: Date;
  /** Skip records already replayed this often (default: no limit). */
  maxReplays?: number;
}

/** Which DLQ records to send back, and what to send: the filtering part of a replay, without Kafka. */
export function selectForReplay(
  dlq: readonly IncomingRecord[],
  filter: ReplayFilter,
): { records: ReplayedRecord[]; outgoing: Array<{ record: OutgoingRecord; entry: ReplayedRecord }> } {
  const records: ReplayedRecord[] = [];
  const outgoing: Array<{ record: OutgoingRecord; entry: ReplayedRecord }> = [];
  for (const record of dlq) {
    const headers = headersToStrings(record.headers);
    const entry: ReplayedRecord = { partition: record.partition, offset: record.offset };
    if (headers['ce_id'] !== undefined) entry.eventId = headers['ce_id'];
    if (headers['ce_type'] !== undefined) entry.type = headers['ce_type'];
    if (headers[DlqHeader.originalTopic] !== undefined) entry.originalTopic = headers[DlqHeader.originalTopic];
    if (headers[DlqHeader.reason] !== undefined) entry.reason = headers[DlqHeader.reason];
    if (filter.eventType !== undefined && entry.type !== filter.eventType) continue;
    if (filter.since) {
      const failedAtText = headers[DlqHeader.failedAt];
      const failedAt = failedAtText ? Date.parse(failedAtText) : Number(record.timestamp);
      if (!(failedAt >= filter.since.getTime())) continue;
    }
    const replays = Number(headers[DlqHeader.replayCount] ?? '0');
    if (filter.maxReplays !== undefined && replays >= filter.maxReplays) {
      entry.skipped = `already replayed ${replays} times (limit ${filter.maxReplays})`;
      records.push(entry);
      continue;
    }
    const back = replayRecord(record);
    if ('skip' in back) {
      entry.skipped = back.skip;
      records.push(entry);
      continue;
    }
    records.push(entry);
    outgoing.push({ record: back, entry });
  }
  return { records, outgoing };
}

export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayReport> {
  const logger = options.logger ?? silentLogger;
  const dlq = await readTopicToEnd(options.transport, options.dlqTopic, options.readTimeoutMs ?? 60_000);
  const { records, outgoing } = selectForReplay(dlq, options);
  const report: ReplayReport = { scanned: dlq.length, replayed: 0, records };
  if (options.dryRun) return report;
  for (let i = 0; i < outgoing.length; i += SEND_CHUNK) {
    const chunk = outgoing.slice(i, i + SEND_CHUNK);
    const outcomes = await options.transport.send(chunk.map((c) => c.record));
    outcomes.forEach((outcome, j) => {
      const entry = chunk[j]!.entry;
      if (outcome.ok) report.replayed++;
      else {
        entry.skipped = `send failed: ${outcome.error.message}`;
        logger.warn('replay: send failed', { partition: entry.partition, offset: entry.offset, error: outcome.error });
      }
    });
  }
  return report;
}

/**
 * Every record of a topic from its log start to the end offsets seen at the start of the call,
 * read through a throw-away consumer group that commits nothing.
 */
export async function readTopicToEnd(transport: Transport, topic: string, timeoutMs: number): Promise<IncomingRecord[]> {
  const ends = await transport.offsets(topic);
  const remaining = new Map(ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]));
  if (remaining.size === 0) return [];
  const records: IncomingRecord[] = [];
  const consumer = transport.consumer({ groupId: `herald-dlq-replay-${randomUUID()}`, maxWaitTimeMs: 200, heartbeatIntervalMs: 1_000 });
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  try {
    await consumer.run({
      topics: [topic],
      fromBeginning: true,
      partitionsConcurrently: 1,
      onBatch: async (batch) => {
        const end = remaining.get(batch.partition);
        const last = batch.records[batch.records.length - 1];
        if (end === undefined || !last) return;
        for (const record of batch.records) {
          if (BigInt(record.offset) >= end) break;
          records.push(record);
        }
        // Moves the fetch position on (the group is thrown away, so what it commits does not matter).
        await batch.commit((BigInt(last.offset) + 1n).toString());
        if (BigInt(last.offset) + 1n >= end) {
          remaining.delete(batch.partition);
          if (remaining.size === 0) finish();
        }
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([finished, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') throw new Error(`could not read ${topic} to its end within ${timeoutMs} ms (${records.length} records read)`);
  } finally {
    await consumer.stop().catch((error: unknown) => asError(error));
    await consumer.disconnect().catch((error: unknown) => asError(error));
  }
  // Partition by partition, in offset order, as the DLQ holds them.
  return records.sort((a, b) => a.partition - b.partition || (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
}
