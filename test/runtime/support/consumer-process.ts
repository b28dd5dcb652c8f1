/**
 * A consumer service as a child process, for the crash tests: consumes COUNTER events with
 * dedupe on PostgreSQL and writes one side-effect row per handled event. The parent kills it
 * with SIGKILL at will, or stops it with SIGTERM (graceful: it then prints its counters as JSON
 * on stdout and exits 0).
 *
 * Environment: DATABASE_URL, BROKERS, TOPIC, GROUP, DEDUPE_TABLE, EFFECTS_TABLE, SLOW_EVERY (ms
 * of work after every 25th event, to make batches long enough to be killed in the middle), and
 * COMMIT_DELAY_MS (a pause between a batch's database commit and its Kafka offset commit, the
 * window in which a crash leaves handled but uncommitted records behind for dedupe to absorb).
 */
import pg from 'pg';
import type { HandlerContext } from '../../../runtime/api.js';
import { closeOnSignals } from '../../../runtime/shutdown.js';
import { KafkaTransport } from '../../../runtime/transport/kafka.js';
import type { Transport } from '../../../runtime/transport/transport.js';
import { COUNTER_TYPE, counterCodec, handler, NOTE_TYPE, noteCodec, type CounterBumped } from './codecs.js';
import { childKafka, testRuntime } from './env.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const topic = env('TOPIC');
const effects = env('EFFECTS_TABLE');
const slowMs = Number(process.env['SLOW_EVERY'] ?? '0');
const commitDelayMs = Number(process.env['COMMIT_DELAY_MS'] ?? '0');
const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: 4 });
const inner = new KafkaTransport({ kafka: childKafka(env('BROKERS'), `consumer-${process.pid}`) });
const transport: Transport = {
  send: (records) => inner.send(records),
  offsets: (t) => inner.offsets(t),
  committedOffsets: (group, t) => inner.committedOffsets(group, t),
  close: () => inner.close(),
  consumer(settings) {
    const consumer = inner.consumer(settings);
    return {
      ...consumer,
      run: (run) =>
        consumer.run({
          ...run,
          onBatch: (batch) =>
            run.onBatch({
              ...batch,
              commit: async (next) => {
                await new Promise((resolve) => setTimeout(resolve, commitDelayMs));
                await batch.commit(next);
              },
            }),
        }),
    };
  },
};
const runtime = testRuntime(childKafka(env('BROKERS'), 'unused'), topic, {
  kafka: { transport },
  database: pool,
  consumer: { dedupeTable: env('DEDUPE_TABLE'), heartbeatIntervalMs: 500, maxWaitTimeMs: 100, sessionTimeoutMs: 6_000, maxRecordsPerTransaction: 100 },
});
let handled = 0;
await runtime.consume(
  { groupId: env('GROUP'), partitionsConcurrently: 3 },
  {
    topic,
    readers: { [COUNTER_TYPE]: counterCodec(topic), [NOTE_TYPE]: noteCodec(topic) },
    handlers: {
      [COUNTER_TYPE]: handler(async (event: CounterBumped, context: HandlerContext) => {
        await context.tx.query(`INSERT INTO ${effects} (event_id, key, n, pid) VALUES ($1, $2, $3, $4)`, [context.eventId, event.entityId, event.n, process.pid]);
        if (slowMs > 0 && ++handled % 25 === 0) await new Promise((resolve) => setTimeout(resolve, slowMs));
      }),
    },
  },
);
process.stdout.write('consumer started\n');
closeOnSignals(
  {
    close: async (options) => {
      await runtime.close(options);
      await pool.end();
    },
  },
  {
    deadlineMs: 10_000,
    exit: true,
    onClosed: () => {
      const count = (name: string): number => {
        const metric = runtime.metrics.registry.getSingleMetric(name) as { hashMap?: Record<string, { value: number }> } | undefined;
        return Object.values(metric?.hashMap ?? {}).reduce((sum, v) => sum + v.value, 0);
      };
      process.stdout.write(`${JSON.stringify({ handled: count('herald_events_handled_total'), duplicates: count('herald_events_duplicate_total') })}\n`);
    },
  },
);
