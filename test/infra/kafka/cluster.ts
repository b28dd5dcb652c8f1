/**
 * The test suite's view of the mock cluster: the launcher driver from generator/dev plus the
 * kafkajs client settings and protocol numbers that fault-injection tests use.
 */
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { mockClusterSocketFactory } from '../../../runtime/transport/librdkafka-mock.js';
import type { MockCluster } from '../../../generator/dev/mock-cluster.js';

export { startMockCluster, type MockCluster, type MockClusterOptions, type TopicSpec } from '../../../generator/dev/mock-cluster.js';

/** Kafka protocol numbers the fault-injection helpers take. */
export const ApiKey = { Produce: 0, Fetch: 1, ListOffsets: 2, Metadata: 3, OffsetCommit: 8, OffsetFetch: 9, FindCoordinator: 10, JoinGroup: 11, Heartbeat: 12, SyncGroup: 14, InitProducerId: 22 } as const;
export const ErrorCode = {
  /** librdkafka-internal: the mock broker drops the connection when it sees the request. */
  TRANSPORT: -195,
  NOT_LEADER_FOR_PARTITION: 6,
  REQUEST_TIMED_OUT: 7,
  NETWORK_EXCEPTION: 13,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  NOT_ENOUGH_REPLICAS: 19,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
} as const;

/**
 * A kafkajs client for the mock cluster: quiet, with the socket factory that
 * works around the mock's protocol defects. `overrides` replace any of these
 * settings (e.g. a logCreator to watch retries).
 */
export function kafkaFor(cluster: MockCluster, clientId = 'herald-test', overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId,
    brokers: cluster.brokers,
    socketFactory: mockClusterSocketFactory(),
    logLevel: logLevel.NOTHING,
    // Loopback brokers answer in microseconds; fail over to retries quickly.
    connectionTimeout: 3_000,
    retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 8 },
    ...overrides,
  });
}
