import { randomUUID } from 'node:crypto';
import { logLevel, type Kafka, type KafkaMessage, type LogEntry, type logCreator } from 'kafkajs';

/** Polls `condition` every 25 ms; rejects naming `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface RecordedLog {
  level: logLevel;
  namespace: string;
  message: string;
  /** The rest of kafkajs's log fields (broker, error, retryCount, ...). */
  extra: Record<string, unknown>;
}

/**
 * Keeps kafkajs log entries in memory, so a test can prove that a client saw
 * an injected fault (e.g. "Failed to send messages: ...") without printing noise.
 * Pass `{ logLevel: recorder.level, logCreator: recorder.logCreator }` to kafkaFor.
 */
export function recordKafkaLogs(level: logLevel = logLevel.WARN): {
  level: logLevel;
  logCreator: logCreator;
  entries: RecordedLog[];
  matching(pattern: RegExp): RecordedLog[];
} {
  const entries: RecordedLog[] = [];
  const creator: logCreator =
    () =>
    ({ namespace, level: entryLevel, log }: LogEntry) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      entries.push({ level: entryLevel, namespace, message, extra });
    };
  return {
    level,
    logCreator: creator,
    entries,
    matching: (pattern) => entries.filter((entry) => pattern.test(entry.message)),
  };
}

/**
 * Reads a whole topic from the beginning with a fresh consumer group and
 * returns every record, stopping once it has read as many as the partitions'
 * logs held when the call started (so duplicates in the log are returned too).
 */
export async function readWholeTopic(
  kafka: Kafka,
  topic: string,
  options: { timeoutMs?: number } = {},
): Promise<Array<KafkaMessage & { partition: number }>> {
  const admin = kafka.admin();
  await admin.connect();
  let expected: number;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    expected = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }

  const records: Array<KafkaMessage & { partition: number }> = [];
  if (expected === 0) return records;
  const consumer = kafka.consumer({ groupId: `read-${randomUUID()}`, maxWaitTimeInMs: 200, heartbeatInterval: 500 });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) records.push({ ...message, partition: batch.partition });
      },
    });
    try {
      await waitFor(`${expected} records from ${topic}`, () => records.length >= expected, options.timeoutMs ?? 30_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}; got ${records.length}`, { cause: error });
    }
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** How often each value occurs; an exactly-once check wants every count to be 1. */
export function countBy<T>(items: Iterable<T>): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}
