import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaFor, startMockCluster, type MockCluster } from '../infra/kafka/cluster.js';
import { MockProtocolFixer, fixMetadataController, fixSyncGroupError, isLeaderSyncGroup } from '../../runtime/transport/librdkafka-mock.js';

const int16 = (value: number): Buffer => {
  const buffer = Buffer.alloc(2);
  buffer.writeInt16BE(value);
  return buffer;
};
const int32 = (value: number): Buffer => {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
};
const str = (value: string | null): Buffer =>
  value === null ? int16(-1) : Buffer.concat([int16(Buffer.byteLength(value)), Buffer.from(value)]);
const frame = (correlationId: number, body: Buffer): Buffer =>
  Buffer.concat([int32(body.length + 4), int32(correlationId), body]);

function request(apiKey: number, apiVersion: number, correlationId: number, body = int32(-1)): Buffer {
  const payload = Buffer.concat([int16(apiKey), int16(apiVersion), int32(correlationId), str('client'), body]);
  return Buffer.concat([int32(payload.length), payload]);
}

/** SyncGroup v3 request; the leader's carries one assignment per member. */
function syncGroupRequest(correlationId: number, assignments: number): Buffer {
  const entries = Array.from({ length: assignments }, (_, i) => Buffer.concat([str(`member-${i}`), int32(2), Buffer.from([0, 1])]));
  return request(14, 3, correlationId, Buffer.concat([str('group'), int32(1), str('member-0'), str(null), int32(assignments), ...entries]));
}

/** SyncGroup v3 response: throttle, error code, assignment bytes. */
const syncGroupResponse = (correlationId: number, errorCode: number): Buffer =>
  frame(correlationId, Buffer.concat([int32(0), int16(errorCode), int32(-1)]));

type Broker = [id: number, host: string, port: number];
const BROKERS: Broker[] = [
  [1, '127.0.0.1', 40001],
  [2, '127.0.0.1', 40002],
  [3, '127.0.0.1', 40003],
];

function metadataResponse(version: number, correlationId: number, controllerId: number, brokers = BROKERS): Buffer {
  const parts: Buffer[] = [];
  if (version >= 3) parts.push(int32(0)); // throttle
  parts.push(int32(brokers.length));
  for (const [id, host, port] of brokers) {
    parts.push(int32(id), str(host), int32(port));
    if (version >= 1) parts.push(str(null)); // rack
  }
  if (version >= 2) parts.push(str('mockCluster'));
  parts.push(int32(controllerId));
  // One topic with one partition, so the controller id is not the last field.
  parts.push(int32(1), int16(0), str('t'), Buffer.from([0]), int32(1), int16(0), int32(0), int32(2), int32(1), int32(1), int32(1), int32(1));
  return frame(correlationId, Buffer.concat(parts));
}

function controllerOf(version: number, response: Buffer, brokerCount = BROKERS.length): number {
  let offset = 8 + (version >= 3 ? 4 : 0) + 4;
  for (let i = 0; i < brokerCount; i++) {
    offset += 4;
    offset += 2 + response.readInt16BE(offset);
    offset += 4;
    offset += 2 + Math.max(response.readInt16BE(offset), 0);
  }
  if (version >= 2) offset += 2 + Math.max(response.readInt16BE(offset), 0);
  return response.readInt32BE(offset);
}

describe('fixMetadataController', () => {
  it.each([1, 2, 3, 6])('replaces an unknown controller id in a Metadata v%i response', (version) => {
    const original = metadataResponse(version, 7, 0);
    const fixed = fixMetadataController(original, version);
    expect(controllerOf(version, fixed)).toBe(1);
    expect(fixed.length).toBe(original.length);
    expect(controllerOf(version, original)).toBe(0); // the input is not mutated
  });

  it('prefers the broker that answered, which is known to be up', () => {
    const fixed = fixMetadataController(metadataResponse(2, 7, 0), 2, { host: '127.0.0.1', port: 40003 });
    expect(controllerOf(2, fixed)).toBe(3);
  });

  it('leaves a valid controller, v0 responses and truncated frames alone', () => {
    const valid = metadataResponse(2, 7, 2);
    expect(fixMetadataController(valid, 2)).toBe(valid);
    const v0 = metadataResponse(0, 7, 0);
    expect(fixMetadataController(v0, 0)).toBe(v0);
    const truncated = valid.subarray(0, 20);
    expect(fixMetadataController(truncated, 2)).toBe(truncated);
  });
});

describe('MockProtocolFixer', () => {
  it('rewrites only the Metadata responses it saw requests for, however the bytes are split', () => {
    // Requests: ApiVersions (18) #1, Metadata v2 #2, Produce #3, split mid-header.
    const requests = Buffer.concat([request(18, 0, 1), request(3, 2, 2), request(0, 7, 3)]);
    for (const cut of [5, 13, 30]) {
      const f = new MockProtocolFixer();
      f.outgoing(requests.subarray(0, cut));
      f.outgoing(requests.subarray(cut));
      const responses = Buffer.concat([
        frame(1, Buffer.from([0, 0, 0, 0, 0, 0])),
        metadataResponse(2, 2, 0),
        // A Produce response that happens to look like a controller id of 0.
        frame(3, Buffer.alloc(40)),
      ]);
      const out: Buffer[] = [];
      for (let i = 0; i < responses.length; i++) out.push(...f.incoming(responses.subarray(i, i + 1)));
      const joined = Buffer.concat(out);
      expect(joined.length).toBe(responses.length);
      const metadataStart = frame(1, Buffer.from([0, 0, 0, 0, 0, 0])).length;
      const metadata = joined.subarray(metadataStart, metadataStart + metadataResponse(2, 2, 0).length);
      expect(controllerOf(2, metadata)).toBe(1);
      // Everything except the four controller-id bytes is byte-identical.
      const differing = [...joined].map((byte, i) => (byte === responses[i] ? -1 : i)).filter((i) => i >= 0);
      expect(differing.length).toBeLessThanOrEqual(4);
      expect(differing.length).toBeGreaterThan(0);
    }
  });

  it('holds back a partial response header until the rest arrives', () => {
    const fixer = new MockProtocolFixer();
    const response = frame(5, Buffer.from([1, 2]));
    expect(fixer.incoming(response.subarray(0, 3))).toEqual([]);
    expect(Buffer.concat(fixer.incoming(response.subarray(3)))).toEqual(response);
  });

  it('passes non-Metadata frames through without waiting for them to complete', () => {
    const fixer = new MockProtocolFixer();
    fixer.outgoing(request(1, 11, 9));
    const fetchResponse = frame(9, Buffer.alloc(1000, 7));
    const first = fixer.incoming(fetchResponse.subarray(0, 500));
    expect(Buffer.concat(first)).toEqual(fetchResponse.subarray(0, 500));
    const rest = fixer.incoming(fetchResponse.subarray(500));
    expect(Buffer.concat([...first, ...rest])).toEqual(fetchResponse);
  });
});

describe('SyncGroup workarounds', () => {
  it('recognizes the leader by the assignments it carries', () => {
    expect(isLeaderSyncGroup(syncGroupRequest(1, 2))).toBe(true);
    expect(isLeaderSyncGroup(syncGroupRequest(1, 0))).toBe(false);
    expect(isLeaderSyncGroup(request(3, 2, 1))).toBe(false);
  });

  it('asks the caller to hold back only the leader SyncGroup write', () => {
    const fixer = new MockProtocolFixer();
    expect(fixer.outgoing(syncGroupRequest(1, 0))).toBe(false);
    expect(fixer.outgoing(Buffer.concat([request(12, 3, 2), syncGroupRequest(3, 2)]))).toBe(true);
  });

  it('turns INVALID_REQUEST into REBALANCE_IN_PROGRESS, in SyncGroup responses only', () => {
    expect(fixSyncGroupError(syncGroupResponse(1, 42), 3).readInt16BE(12)).toBe(27);
    const ok = syncGroupResponse(1, 0);
    expect(fixSyncGroupError(ok, 3)).toBe(ok);

    const fixer = new MockProtocolFixer();
    fixer.outgoing(syncGroupRequest(5, 0));
    fixer.outgoing(request(12, 3, 6)); // Heartbeat
    const heartbeatError = frame(6, Buffer.concat([int32(0), int16(42)]));
    const out = Buffer.concat([...fixer.incoming(syncGroupResponse(5, 42)), ...fixer.incoming(heartbeatError)]);
    expect(out.readInt16BE(12)).toBe(27);
    expect(out.subarray(syncGroupResponse(5, 42).length)).toEqual(heartbeatError);
  });
});

describe('against the mock cluster', () => {
  let cluster: MockCluster;
  beforeAll(async () => {
    cluster = await startMockCluster({ brokers: 3, topics: [{ name: 'sf.events', partitions: 3 }] });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('is needed: without it the idempotent producer cannot find controller 0', async () => {
    const kafka = new Kafka({ clientId: 'no-fix', brokers: cluster.brokers, logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 50 } });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    try {
      await expect(producer.connect()).rejects.toThrow(/not found/);
    } finally {
      await producer.disconnect();
    }
  });

  it('lets the idempotent producer and admin work, even with broker 1 down', async () => {
    await cluster.brokerDown(1);
    try {
      const kafka = kafkaFor(cluster, 'with-fix');
      const admin = kafka.admin();
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      try {
        await admin.connect();
        await producer.connect();
        // Partition 1 is led by broker 2 (leaders are p % 3 + 1).
        const [written] = await producer.send({
          topic: 'sf.events',
          acks: -1,
          messages: [{ key: 'k', value: 'v', partition: 1 }],
        });
        expect(written).toMatchObject({ partition: 1, errorCode: 0, baseOffset: '0' });
        const { topics } = await admin.fetchTopicMetadata({ topics: ['sf.events'] });
        expect(topics[0]?.partitions.map((p) => p.leader).sort()).toEqual([1, 2, 3]);
      } finally {
        await producer.disconnect();
        await admin.disconnect();
      }
    } finally {
      await cluster.brokerUp(1);
    }
  });
});
