/**
 * Dead-letter records. A record the consumer gives up on is copied to `<topic>.dlq` unchanged —
 * key, value and every original header — plus `dlq_*` headers that say where it came from and
 * why. Keeping the original bytes means a fixed consumer can take it back as it was
 * (`herald dlq replay`), and any tool can read it.
 */
import type { RawHeaders } from '../cloudevents.js';
import type { IncomingRecord, OutgoingRecord } from '../transport/transport.js';

export const DLQ_SUFFIX = '.dlq';

export const DlqHeader = {
  originalTopic: 'dlq_original_topic',
  originalPartition: 'dlq_original_partition',
  originalOffset: 'dlq_original_offset',
  /** The source record's Kafka timestamp (ms since the epoch). */
  originalTimestamp: 'dlq_original_timestamp',
  consumerGroup: 'dlq_consumer_group',
  /** Handler attempts made (0 when the record never reached the handler). */
  attempts: 'dlq_attempts',
  /** `undecodable`, `invalid`, `handler` (retries exhausted) or `non-retryable`. */
  reason: 'dlq_reason',
  errorClass: 'dlq_error_class',
  errorMessage: 'dlq_error_message',
  /** The error's stack, cut to `STACK_LIMIT` bytes. */
  errorStack: 'dlq_error_stack',
  /** When the record was dead-lettered (ISO 8601). */
  failedAt: 'dlq_failed_at',
  /** How often `herald dlq replay` has sent the record back; kept across later dead-lettering. */
  replayCount: 'dlq_replay_count',
} as const;

export type DeadLetterReason = 'undecodable' | 'invalid' | 'handler' | 'non-retryable';

/** Enough of a stack to find the failing frame, small enough to stay far below Kafka's record size limit. */
export const STACK_LIMIT = 4096;
const MESSAGE_LIMIT = 2048;

export function dlqTopicFor(topic: string): string {
  return `${topic}${DLQ_SUFFIX}`;
}

export interface DeadLetterInfo {
  group: string;
  attempts: number;
  reason: DeadLetterReason;
  error: Error;
}

function truncate(text: string, limit: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limit) return text;
  // Cut on a character boundary: decoding a cut multi-byte sequence yields U+FFFD, dropped here.
  return `${bytes.subarray(0, limit).toString('utf8').replace(/\uFFFD+$/, '')}…`;
}

/** Copies headers as kafkajs gave them (repeated headers stay repeated) except herald's own DLQ ones. */
function originalHeaders(raw: RawHeaders, keep: (name: string) => boolean): Record<string, string | Buffer> {
  const out: Record<string, string | Buffer> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined || !keep(name)) continue;
    // kafkajs's producer accepts one value per name; of repeated headers the last one wins.
    out[name] = Array.isArray(value) ? value[value.length - 1]! : value;
  }
  return out;
}

const isDlqHeader = (name: string): boolean => name.startsWith('dlq_');

export function deadLetterRecord(record: IncomingRecord, info: DeadLetterInfo): OutgoingRecord {
  // A record that failed before (replayed, then failed again) drops its old dlq_* headers so
  // they cannot pile up; only the replay count carries over.
  const headers = originalHeaders(record.headers, (name) => !isDlqHeader(name) || name === DlqHeader.replayCount);
  headers[DlqHeader.originalTopic] = record.topic;
  headers[DlqHeader.originalPartition] = String(record.partition);
  headers[DlqHeader.originalOffset] = record.offset;
  headers[DlqHeader.originalTimestamp] = record.timestamp;
  headers[DlqHeader.consumerGroup] = info.group;
  headers[DlqHeader.attempts] = String(info.attempts);
  headers[DlqHeader.reason] = info.reason;
  headers[DlqHeader.errorClass] = info.error.name || info.error.constructor.name;
  headers[DlqHeader.errorMessage] = truncate(info.error.message, MESSAGE_LIMIT);
  headers[DlqHeader.errorStack] = truncate(info.error.stack ?? '', STACK_LIMIT);
  headers[DlqHeader.failedAt] = new Date().toISOString();
  return { topic: dlqTopicFor(record.topic), key: record.key, value: record.value, headers };
}

/**
 * The record to send back for a dead-lettered one: to its original topic, with its original key,
 * value and headers, and the replay count raised by one. The event id is unchanged, so an event
 * that some consumer did handle after all is skipped there as a duplicate.
 */
export function replayRecord(dlq: IncomingRecord): OutgoingRecord | { skip: string } {
  const headers = dlq.headers;
  const text = (name: string): string | undefined => {
    const value = headers[name];
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    return last === undefined ? undefined : last.toString();
  };
  const topic = text(DlqHeader.originalTopic);
  if (!topic) return { skip: `no ${DlqHeader.originalTopic} header` };
  const previous = Number(text(DlqHeader.replayCount) ?? '0');
  const out = originalHeaders(headers, (name) => !isDlqHeader(name));
  out[DlqHeader.replayCount] = String((Number.isFinite(previous) ? previous : 0) + 1);
  return { topic, key: dlq.key, value: dlq.value, headers: out };
}
