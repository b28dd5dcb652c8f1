import { describe, expect, it } from 'vitest';
import { EnvironmentConfigError, kafkaOptionsFromEnv, registryOptionsFromEnv } from '../../runtime/index.js';

describe('kafkaOptionsFromEnv', () => {
  it('reads the brokers, the client id and the mock flag', () => {
    const options = kafkaOptionsFromEnv({ HERALD_KAFKA_BROKERS: ' a:9092, b:9093 ,', HERALD_KAFKA_CLIENT_ID: 'billing', HERALD_KAFKA_MOCK: '1' });
    expect(options.brokers).toEqual(['a:9092', 'b:9093']);
    expect(options.clientId).toBe('billing');
    expect(typeof options.socketFactory).toBe('function');
  });

  it('uses the default client id and no socket factory without the mock flag', () => {
    expect(kafkaOptionsFromEnv({ HERALD_KAFKA_BROKERS: 'kafka:9092' }, { clientId: 'svc' })).toEqual({ brokers: ['kafka:9092'], clientId: 'svc' });
    expect(kafkaOptionsFromEnv({ HERALD_KAFKA_BROKERS: 'kafka:9092', HERALD_KAFKA_MOCK: '0' })).toEqual({ brokers: ['kafka:9092'] });
  });

  it('names the variable when it is missing or malformed', () => {
    expect(() => kafkaOptionsFromEnv({})).toThrow(/HERALD_KAFKA_BROKERS is not set/);
    expect(() => kafkaOptionsFromEnv({ HERALD_KAFKA_BROKERS: ' ' })).toThrow(/HERALD_KAFKA_BROKERS is not set/);
    expect(() => kafkaOptionsFromEnv({ HERALD_KAFKA_BROKERS: ',' })).toThrow(/HERALD_KAFKA_BROKERS lists no broker/);
    expect(() => kafkaOptionsFromEnv({ HERALD_KAFKA_BROKERS: 'kafka' })).toThrow(/HERALD_KAFKA_BROKERS: `kafka` is not host:port/);
    expect(() => kafkaOptionsFromEnv({ HERALD_KAFKA_BROKERS: 'kafka:70000' })).toThrow(/not host:port/);
    expect(() => kafkaOptionsFromEnv({ HERALD_KAFKA_BROKERS: 'kafka:1', HERALD_KAFKA_MOCK: 'yes' })).toThrow(/HERALD_KAFKA_MOCK must be 1 or 0/);
    try {
      kafkaOptionsFromEnv({});
    } catch (error) {
      expect(error).toBeInstanceOf(EnvironmentConfigError);
      expect((error as EnvironmentConfigError).variable).toBe('HERALD_KAFKA_BROKERS');
    }
  });

  it('reads process.env by default', () => {
    const saved = process.env['HERALD_KAFKA_BROKERS'];
    process.env['HERALD_KAFKA_BROKERS'] = 'localhost:9092';
    try {
      expect(kafkaOptionsFromEnv().brokers).toEqual(['localhost:9092']);
    } finally {
      if (saved === undefined) delete process.env['HERALD_KAFKA_BROKERS'];
      else process.env['HERALD_KAFKA_BROKERS'] = saved;
    }
  });
});

describe('registryOptionsFromEnv', () => {
  it('reads the URL', () => {
    expect(registryOptionsFromEnv({ HERALD_REGISTRY_URL: 'http://127.0.0.1:8081' })).toEqual({ url: 'http://127.0.0.1:8081' });
  });

  it('names the variable when it is missing or not an http URL', () => {
    expect(() => registryOptionsFromEnv({})).toThrow(/HERALD_REGISTRY_URL is not set/);
    expect(() => registryOptionsFromEnv({ HERALD_REGISTRY_URL: 'registry:8081/x y' })).toThrow(/HERALD_REGISTRY_URL: .* is not (a|an http\(s\)) URL/);
    expect(() => registryOptionsFromEnv({ HERALD_REGISTRY_URL: 'not a url' })).toThrow(/HERALD_REGISTRY_URL: `not a url` is not a URL/);
  });
});
