/**
 * Loaded by `herald outbox relay --kafka-module` and `herald dlq replay --kafka-module` in tests:
 * the mock cluster reports controller id 0, which kafkajs's idempotent producer cannot use
 * without this socket factory (see runtime/transport/librdkafka-mock.ts).
 */
import type { KafkaConfig } from 'kafkajs';
import { mockClusterSocketFactory } from '../../../runtime/transport/librdkafka-mock.js';

const config: Partial<KafkaConfig> = {
  socketFactory: mockClusterSocketFactory(),
  connectionTimeout: 3_000,
};
export default config;
