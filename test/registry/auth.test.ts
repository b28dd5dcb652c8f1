/**
 * Optional authentication (HTTP Basic and Bearer from a JSON file, roles read and write), the
 * refusal to serve unauthenticated on a non-loopback address, and both Confluent clients passing
 * credentials.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { SchemaRegistryClient } from '@confluentinc/schemaregistry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthConfigError, authenticate, parseAuthConfig, type AuthConfig } from '../../generator/registry/server/auth.js';
import { isLoopback, startRegistryServer, UnsafeBindError, type RunningRegistry } from '../../generator/registry/server/start.js';
import { openStore } from '../../generator/registry/store/open.js';
import type { RegistryStore } from '../../generator/registry/store/store.js';
import { avroRecord, http, uniqueSubject } from './helpers.js';

const users: AuthConfig = {
  users: [
    { name: 'ci', password: 'ci-secret', role: 'write' },
    { name: 'viewer', password: 'viewer-secret', role: 'read' },
    { name: 'robot', token: 'robot-token', role: 'write' },
    { name: 'dash', token: 'dash-token', role: 'read' },
  ],
};

const basic = (name: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}` });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const schema = avroRecord('Secured', [{ name: 'a', type: 'string' }]);

let dir: string;
let store: RegistryStore;
let registry: RunningRegistry;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'herald-registry-auth-'));
  // The auth file is read from disk, as `herald registry serve --auth file.json` will read it.
  const file = path.join(dir, 'auth.json');
  await writeFile(file, JSON.stringify(users));
  // One store for every server in this file (the caller owns a store it passes in), so the suite
  // pays for one embedded database.
  store = await openStore(path.join(dir, 'store'));
  registry = await startRegistryServer({ store, host: '127.0.0.1', port: 0, auth: file, logger: false });
});

afterAll(async () => {
  await registry?.close();
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('authentication', () => {
  it('answers 401 with a challenge when credentials are missing or wrong', async () => {
    for (const headers of [{}, basic('ci', 'wrong'), basic('nobody', 'ci-secret'), bearer('nope'), { authorization: 'Digest x' }]) {
      const answer = await http(registry.url, 'GET', '/subjects', undefined, headers);
      expect(answer.status, JSON.stringify(headers)).toBe(401);
      expect(answer.body).toMatchObject({ error_code: 401 });
    }
    const response = await fetch(`${registry.url}/subjects`);
    expect(response.headers.get('www-authenticate')).toContain('Basic');
  });

  it('lets readers read, look up and check compatibility, and refuses their writes with 403/40301', async () => {
    const subject = uniqueSubject('auth');
    expect((await http(registry.url, 'POST', `/subjects/${subject}/versions`, { schema }, basic('ci', 'ci-secret'))).status).toBe(200);
    for (const reader of [basic('viewer', 'viewer-secret'), bearer('dash-token')]) {
      expect((await http(registry.url, 'GET', `/subjects/${subject}/versions/latest`, undefined, reader)).status).toBe(200);
      expect((await http(registry.url, 'POST', `/subjects/${subject}`, { schema }, reader)).status).toBe(200);
      expect((await http(registry.url, 'POST', `/compatibility/subjects/${subject}/versions/latest`, { schema }, reader)).status).toBe(200);
      for (const [method, urlPath, body] of [
        ['POST', `/subjects/${subject}/versions`, { schema }],
        ['PUT', `/config/${subject}`, { compatibility: 'NONE' }],
        ['PUT', '/mode', { mode: 'READONLY' }],
        ['DELETE', `/subjects/${subject}`, undefined],
      ] as const) {
        const answer = await http(registry.url, method, urlPath, body, reader);
        expect(answer.status, `${method} ${urlPath}`).toBe(403);
        expect(answer.body).toMatchObject({ error_code: 40301 });
      }
    }
    expect((await http(registry.url, 'PUT', `/config/${subject}`, { compatibility: 'NONE' }, bearer('robot-token'))).status).toBe(200);
  });

  it('leaves the probes open', async () => {
    expect((await http(registry.url, 'GET', '/health')).status).toBe(200);
    expect((await http(registry.url, 'GET', '/ready')).status).toBe(200);
  });

  it('works with both Confluent clients given credentials', async () => {
    const subject = uniqueSubject('auth-clients');
    const kafkajs = new SchemaRegistry({ host: registry.url, auth: { username: 'ci', password: 'ci-secret' } });
    const { id } = await kafkajs.register({ type: SchemaType.AVRO, schema }, { subject });
    const confluent = new SchemaRegistryClient({
      baseURLs: [registry.url],
      basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo: 'viewer:viewer-secret' },
      maxRetries: 0,
    });
    expect((await confluent.getLatestSchemaMetadata(subject)).id).toBe(id);
    await expect(confluent.register(subject, { schemaType: 'AVRO', schema: avroRecord('Other', [{ name: 'b', type: 'int' }]) })).rejects.toMatchObject({
      status: 403,
      errorCode: 40301,
    });
  });
});

describe('auth config and binding', () => {
  it('validates the auth file', () => {
    expect(() => parseAuthConfig({ users: [] })).toThrow(AuthConfigError);
    expect(() => parseAuthConfig({ users: [{ name: 'x', role: 'admin', password: 'p' }] })).toThrow(/role/);
    expect(() => parseAuthConfig({ users: [{ name: 'x', role: 'read' }] })).toThrow(/password or a token/);
    expect(() => parseAuthConfig({})).toThrow(/users/);
    const config = parseAuthConfig(users);
    expect(authenticate(config, basic('ci', 'ci-secret').authorization)).toMatchObject({ ok: true, user: { name: 'ci' } });
    expect(authenticate(config, bearer('robot-token').authorization)).toMatchObject({ ok: true, user: { name: 'robot' } });
    expect(authenticate(config, basic('robot', 'robot-token').authorization)).toMatchObject({ ok: false });
  });

  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(isLoopback(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1']) expect(isLoopback(host), host).toBe(false);
  });

  it('refuses to serve unauthenticated on a non-loopback address unless told to', async () => {
    await expect(startRegistryServer({ store: path.join(dir, 'never'), host: '0.0.0.0', port: 0, logger: false })).rejects.toBeInstanceOf(UnsafeBindError);
    const open = await startRegistryServer({ store, host: '0.0.0.0', port: 0, allowUnauthenticatedRemote: true, logger: false });
    try {
      expect((await http(`http://127.0.0.1:${open.port}`, 'GET', '/')).status).toBe(200);
    } finally {
      await open.close();
    }
    const secured = await startRegistryServer({ store, host: '0.0.0.0', port: 0, auth: users, logger: false });
    try {
      expect((await http(`http://127.0.0.1:${secured.port}`, 'GET', '/subjects')).status).toBe(401);
      expect((await http(`http://127.0.0.1:${secured.port}`, 'GET', '/subjects', undefined, basic('viewer', 'viewer-secret'))).status).toBe(200);
    } finally {
      await secured.close();
    }
  });
});
