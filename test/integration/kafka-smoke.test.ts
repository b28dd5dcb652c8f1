import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Consumer, Message, Producer } from 'kafkajs';
import { kafkaFor, startMockCluster, type MockCluster } from '../infra/kafka/cluster.js';
import { waitFor } from '../infra/kafka/testing.js';

const TOPIC = 'smoke.events';
const PARTITIONS = 6;
const MESSAGES = 10_000;
const BATCH = 500;
const KEYS = 97;
const GROUP = 'smoke-group';

describe('Kafka mock cluster smoke test', () => {
  let cluster: MockCluster;
  let producer: Producer | undefined;
  let admin: Admin | undefined;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    cluster = await startMockCluster({ brokers: 3, topics: [{ name: TOPIC, partitions: PARTITIONS }] });
  });

  afterAll(async () => {
    await Promise.allSettled(consumers.map((consumer) => consumer.disconnect()));
    await producer?.disconnect();
    await admin?.disconnect();
    await cluster?.stop();
  });

  it('delivers 10,000 keyed messages from an idempotent producer exactly once to a two-member group with manual commits', async () => {
    const kafka = kafkaFor(cluster, 'smoke');
    admin = kafka.admin();
    await admin.connect();

    // Received ids per member, and the latest assignment each member reported.
    const received = new Map<number, number>();
    const perMember: Array<{ count: number; partitions: number[]; lastIdByKey: Map<string, number>; outOfOrder: number }> = [];
    let commitsInFlight = 0;

    // Both members join inside the mock coordinator's initial 3 s join window;
    // a later join costs a full rebalance (session timeout - 1 s in the mock).
    const runs: Array<Promise<void>> = [];
    for (let member = 0; member < 2; member++) {
      const state = { count: 0, partitions: [] as number[], lastIdByKey: new Map<string, number>(), outOfOrder: 0 };
      perMember.push(state);
      const consumer = kafka.consumer({ groupId: GROUP, heartbeatInterval: 500, sessionTimeout: 10_000, maxWaitTimeInMs: 200 });
      consumers.push(consumer);
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        state.partitions = [...(event.payload.memberAssignment[TOPIC] ?? [])].sort((a, b) => a - b);
      });
      await consumer.connect();
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      runs.push(consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, heartbeat }) => {
          for (const message of batch.messages) {
            const id = Number(message.value?.toString());
            const key = message.key?.toString() ?? '';
            received.set(id, (received.get(id) ?? 0) + 1);
            state.count++;
            // Per-key order must survive partitioning and batching.
            if ((state.lastIdByKey.get(key) ?? -1) > id) state.outOfOrder++;
            state.lastIdByKey.set(key, id);
          }
          if (batch.messages.length === 0) return;
          commitsInFlight++;
          try {
            await consumer.commitOffsets([
              { topic: batch.topic, partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() },
            ]);
          } finally {
            commitsInFlight--;
          }
          await heartbeat();
        },
      }));
    }
    await Promise.all(runs);

    // Produce only once the group is stable, so no rebalance can redeliver
    // uncommitted messages and blur the exactly-once count.
    await waitFor('both members to share all partitions', () => {
      const [a, b] = perMember;
      if (!a || !b || a.partitions.length === 0 || b.partitions.length === 0) return false;
      const all = new Set([...a.partitions, ...b.partitions]);
      return all.size === PARTITIONS && a.partitions.length + b.partitions.length === PARTITIONS;
    });

    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const started = Date.now();
    for (let first = 0; first < MESSAGES; first += BATCH) {
      const messages: Message[] = [];
      for (let id = first; id < Math.min(first + BATCH, MESSAGES); id++) {
        messages.push({ key: `entity-${id % KEYS}`, value: String(id) });
      }
      await producer.send({ topic: TOPIC, acks: -1, messages });
    }
    const produceMs = Date.now() - started;

    await waitFor('all messages to be consumed and committed', () => received.size >= MESSAGES && commitsInFlight === 0);
    // Give a late duplicate the chance to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 500));

    const duplicates = [...received].filter(([, count]) => count !== 1).map(([id]) => id);
    expect(duplicates).toEqual([]);
    expect(received.size).toBe(MESSAGES);
    expect([...received.keys()].every((id) => Number.isInteger(id) && id >= 0 && id < MESSAGES)).toBe(true);

    const [a, b] = perMember;
    expect(a?.partitions.length).toBeGreaterThan(0);
    expect(b?.partitions.length).toBeGreaterThan(0);
    expect(a?.count).toBeGreaterThan(0);
    expect(b?.count).toBeGreaterThan(0);
    expect((a?.count ?? 0) + (b?.count ?? 0)).toBe(MESSAGES);
    expect((a?.outOfOrder ?? 0) + (b?.outOfOrder ?? 0)).toBe(0);

    const ends = await admin.fetchTopicOffsets(TOPIC);
    const committed = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    const endByPartition = Object.fromEntries(ends.map((p) => [p.partition, p.high]));
    const committedByPartition = Object.fromEntries(
      (committed.find((t) => t.topic === TOPIC)?.partitions ?? []).map((p) => [p.partition, p.offset]),
    );
    expect(Object.keys(endByPartition)).toHaveLength(PARTITIONS);
    expect(committedByPartition).toEqual(endByPartition);
    // The log holds exactly what was sent: no duplicate appends either.
    expect(ends.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0)).toBe(MESSAGES);

    console.info(`smoke: produced ${MESSAGES} in ${produceMs} ms; member counts ${a?.count}/${b?.count}`);
  });
});
