/**
 * Kafka and registry settings from environment variables, so a service runs unchanged against
 * `herald dev` (which prints exactly these variables) and against a real deployment.
 */
import type { HttpSchemaRegistryOptions } from './registry/client.js';
import type { KafkaTransportOptions } from './transport/kafka.js';
import { mockClusterSocketFactory } from './transport/librdkafka-mock.js';

/** The variables read here and written by `herald dev`. */
export const HeraldEnv = {
  /** Comma-separated `host:port` list. */
  KafkaBrokers: 'HERALD_KAFKA_BROKERS',
  KafkaClientId: 'HERALD_KAFKA_CLIENT_ID',
  /** `1` when the brokers are librdkafka's mock cluster (`herald dev`): adds its socket factory. */
  KafkaMock: 'HERALD_KAFKA_MOCK',
  RegistryUrl: 'HERALD_REGISTRY_URL',
} as const;

/** A variable is missing or malformed; the message names it. */
export class EnvironmentConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'EnvironmentConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, variable: string, example: string): string {
  const value = env[variable]?.trim();
  if (!value) throw new EnvironmentConfigError(variable, `${variable} is not set; set it to ${example} (\`herald dev\` prints it)`);
  return value;
}

function parseBrokers(value: string): string[] {
  const brokers = value.split(',').map((broker) => broker.trim()).filter(Boolean);
  for (const broker of brokers) {
    const match = /^(.+):(\d{1,5})$/.exec(broker);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65_535) {
      throw new EnvironmentConfigError(HeraldEnv.KafkaBrokers, `${HeraldEnv.KafkaBrokers}: \`${broker}\` is not host:port`);
    }
  }
  if (brokers.length === 0) throw new EnvironmentConfigError(HeraldEnv.KafkaBrokers, `${HeraldEnv.KafkaBrokers} lists no broker`);
  return brokers;
}

function flag(env: Env, variable: string): boolean {
  const value = env[variable]?.trim().toLowerCase() ?? '';
  if (value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new EnvironmentConfigError(variable, `${variable} must be 1 or 0, not \`${env[variable]}\``);
}

/** Options for `createRuntime({ kafka })` / `KafkaTransport` from HERALD_KAFKA_BROKERS (required), HERALD_KAFKA_CLIENT_ID and HERALD_KAFKA_MOCK. */
export function kafkaOptionsFromEnv(env: Env = process.env, defaults: { clientId?: string } = {}): KafkaTransportOptions {
  const brokers = parseBrokers(required(env, HeraldEnv.KafkaBrokers, 'a comma-separated host:port list'));
  const clientId = env[HeraldEnv.KafkaClientId]?.trim() || defaults.clientId;
  return {
    brokers,
    ...(clientId ? { clientId } : {}),
    ...(flag(env, HeraldEnv.KafkaMock) ? { socketFactory: mockClusterSocketFactory() } : {}),
  };
}

/** Options for `createRuntime({ registry })` / `HttpSchemaRegistry` from HERALD_REGISTRY_URL (required). */
export function registryOptionsFromEnv(env: Env = process.env): HttpSchemaRegistryOptions {
  const url = required(env, HeraldEnv.RegistryUrl, 'the registry URL, e.g. http://127.0.0.1:8081');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EnvironmentConfigError(HeraldEnv.RegistryUrl, `${HeraldEnv.RegistryUrl}: \`${url}\` is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new EnvironmentConfigError(HeraldEnv.RegistryUrl, `${HeraldEnv.RegistryUrl}: \`${url}\` is not an http(s) URL`);
  }
  return { url };
}
