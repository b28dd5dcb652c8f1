/**
 * The registry's read caches: what they keep, when they let go, and that a delete is never
 * hidden for longer than documented, neither on the server that made it nor on another server
 * sharing the store (one store object, or one PostgreSQL database).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachingReader, DEFAULT_CACHE_TTL_MS, PreparedSchemaCache } from '../../generator/registry/cache.js';
import { startRegistryServer, type RunningRegistry } from '../../generator/registry/server/start.js';
import { openStore } from '../../generator/registry/store/open.js';
import type { RegistryStore, RegistryWriter, StoredSchema, StoredVersion } from '../../generator/registry/store/store.js';
import { avroRecord, http, startPostgresRegistryPair, uniqueSubject, type PostgresRegistryPair } from './helpers.js';

/** A store that counts reads and whose rows and generation the test moves by hand. */
class FakeStore implements RegistryStore {
  readonly description = 'fake';
  generation = 0;
  reads = 0;
  holders: StoredVersion[] = [{ subject: 's', version: 1, schemaId: 1, deleted: false }];
  /** Reads started while this is set finish only when it resolves, so a write can commit under them. */
  gate: Promise<void> | undefined;
  readonly schema: StoredSchema = { id: 1, guid: 'g', fingerprint: 'f', schemaType: 'AVRO', schema: '"string"', references: [] };

  constructor(readonly shared: boolean) {}

  /** `value` is what the database held when the read began. */
  private async read<T>(value: T): Promise<T> {
    this.reads++;
    await this.gate;
    return value;
  }

  schemaById(id: number) {
    return this.read(id === 1 ? this.schema : undefined);
  }
  schemaByGuid() {
    return this.read(undefined);
  }
  schemaByFingerprint(fingerprint: string) {
    return this.read(fingerprint === 'f' ? this.schema : undefined);
  }
  versions() {
    return this.read(this.holders);
  }
  allVersions() {
    return this.read(this.holders);
  }
  versionsOfSchema() {
    return this.read(this.holders);
  }
  referrers() {
    return this.read([]);
  }
  maxSchemaId() {
    return this.read(1);
  }
  config() {
    return this.read(undefined);
  }
  mode() {
    return this.read(undefined);
  }
  registryId() {
    return this.read('fake');
  }
  transaction<T>(_work: (tx: RegistryWriter) => Promise<T>): Promise<T> {
    throw new Error('the cache never writes');
  }
  async ping() {}
  async close() {}
}

const ALL = { includeDeleted: true };

describe('CachingReader', () => {
  it('reads a schema once, by id and by fingerprint alike, and never again: schema rows do not change', async () => {
    const store = new FakeStore(true);
    let now = 0;
    const reader = new CachingReader(store, { now: () => now });
    expect(await reader.schemaById(1)).toBe(store.schema);
    store.generation++;
    now += 10 * DEFAULT_CACHE_TTL_MS;
    expect(await reader.schemaById(1)).toBe(store.schema);
    expect(await reader.schemaByFingerprint('f')).toBe(store.schema);
    expect(store.reads).toBe(1);
    // Absent ids are not remembered: the next registration may hand them out.
    expect(await reader.schemaById(2)).toBeUndefined();
    expect(await reader.schemaById(2)).toBeUndefined();
    expect(store.reads).toBe(3);
  });

  it('drops what changes as soon as a write through the store ends', async () => {
    const store = new FakeStore(false);
    const reader = new CachingReader(store);
    expect(await reader.versionsOfSchema(1, ALL)).toHaveLength(1);
    expect(await reader.versionsOfSchema(1, ALL)).toHaveLength(1);
    expect(store.reads).toBe(1);
    store.holders = [];
    store.generation++;
    expect(await reader.versionsOfSchema(1, ALL)).toEqual([]);
    expect(store.reads).toBe(2);
  });

  it('does not keep a read that a write overlapped, since it may have seen the rows from before the commit', async () => {
    const store = new FakeStore(false);
    const reader = new CachingReader(store);
    let open = (): void => undefined;
    store.gate = new Promise((resolve) => (open = resolve));
    const before = store.holders;
    const slow = reader.versionsOfSchema(1, ALL);
    store.gate = undefined;
    store.holders = [];
    store.generation++;
    // A read that began after the commit sees it, and is kept.
    expect(await reader.versionsOfSchema(1, ALL)).toEqual([]);
    open();
    expect(await slow).toBe(before);
    expect(await reader.versionsOfSchema(1, ALL)).toEqual([]);
  });

  it('on a shared store, trusts a changing row for the TTL only, counted from when its read began', async () => {
    const store = new FakeStore(true);
    let now = 1_000;
    const reader = new CachingReader(store, { ttlMs: 500, now: () => now });
    await reader.versionsOfSchema(1, ALL);
    now += 499;
    await reader.versionsOfSchema(1, ALL);
    expect(store.reads).toBe(1);
    now += 1;
    store.holders = [];
    expect(await reader.versionsOfSchema(1, ALL)).toEqual([]);
    expect(store.reads).toBe(2);
  });

  it('on an unshared store, keeps changing rows until the next local write, however long that takes', async () => {
    const store = new FakeStore(false);
    let now = 0;
    const reader = new CachingReader(store, { ttlMs: 1, now: () => now });
    await reader.config('s');
    now += 3_600_000;
    await reader.config('s');
    expect(store.reads).toBe(1);
  });

  it('with a TTL of 0 on a shared store, reads changing rows every time', async () => {
    const store = new FakeStore(true);
    const reader = new CachingReader(store, { ttlMs: 0 });
    await reader.versions('s', ALL);
    await reader.versions('s', ALL);
    expect(store.reads).toBe(2);
  });

  it('keeps live and all versions of a subject apart', async () => {
    const store = new FakeStore(false);
    const reader = new CachingReader(store);
    await reader.versions('s', { includeDeleted: false });
    await reader.versions('s', { includeDeleted: true });
    expect(store.reads).toBe(2);
  });
});

describe('PreparedSchemaCache', () => {
  const schema = avroRecord('Cached', [{ name: 'id', type: 'string' }]);

  it('prepares a schema text once per type, normalize flag, metadata and rule set', () => {
    const cache = new PreparedSchemaCache();
    const first = cache.prepare({ schemaType: 'AVRO', schema, references: [] }, false);
    expect(cache.prepare({ schemaType: 'AVRO', schema, references: [] }, false)).toBe(first);
    expect(cache.prepare({ schemaType: 'AVRO', schema, references: [] }, true)).not.toBe(first);
    const withMetadata = cache.prepare({ schemaType: 'AVRO', schema, references: [], metadata: { properties: { owner: 'a' } } }, false);
    expect(withMetadata.fingerprint).not.toBe(first.fingerprint);
  });

  it('prepares a schema with references every time, because what they resolve to can change', () => {
    const cache = new PreparedSchemaCache();
    const input = {
      schemaType: 'AVRO' as const,
      schema: avroRecord('Outer', [{ name: 'inner', type: 'com.acme.Inner' }]),
      references: [{ name: 'com.acme.Inner', subject: 'inner', version: 1, schemaType: 'AVRO' as const, schema: avroRecord('Inner', [{ name: 'x', type: 'int' }]), references: [] }],
    };
    expect(cache.prepare(input, false)).not.toBe(cache.prepare(input, false));
  });

  it('does not remember a refused schema', () => {
    const cache = new PreparedSchemaCache();
    expect(() => cache.prepare({ schemaType: 'AVRO', schema: '{"type":"nope"}', references: [] }, false)).toThrow();
    expect(() => cache.prepare({ schemaType: 'AVRO', schema: '{"type":"nope"}', references: [] }, false)).toThrow();
  });
});

/** Registers a schema under a fresh subject and reads it by id once, so that the id is cached. */
async function registerAndRead(registry: RunningRegistry, reader: RunningRegistry = registry) {
  const subject = uniqueSubject('cache');
  const schema = avroRecord(`Cached${subject.replace(/-/g, '_')}`, [{ name: 'id', type: 'string' }]);
  const registered = await http<{ id: number; version: number }>(registry.url, 'POST', `/subjects/${subject}/versions`, { schema });
  expect(registered.status).toBe(200);
  expect((await http(reader.url, 'GET', `/schemas/ids/${registered.body.id}`)).status).toBe(200);
  return { subject, schema, id: registered.body.id };
}

async function softThenPermanentDelete(registry: RunningRegistry, subject: string): Promise<void> {
  expect((await http(registry.url, 'DELETE', `/subjects/${subject}`)).status).toBe(200);
  expect((await http(registry.url, 'DELETE', `/subjects/${subject}?permanent=true`)).status).toBe(200);
}

/** Polls until `probe` holds, for at most `ms`; returns whether it did. */
async function within(ms: number, probe: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
}

describe('caches on the embedded store', () => {
  let dir: string;
  let store: RegistryStore;
  let registry: RunningRegistry;
  let sibling: RunningRegistry;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'herald-registry-cache-'));
    store = await openStore(path.join(dir, 'store'));
    // Two servers over one store object: each has its own service and caches.
    registry = await startRegistryServer({ store, host: '127.0.0.1', port: 0, logger: false });
    sibling = await startRegistryServer({ store, host: '127.0.0.1', port: 0, logger: false });
  });

  afterAll(async () => {
    await registry?.close();
    await sibling?.close();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 40403 for an id right after its only holder is soft-deleted and then permanently deleted', async () => {
    const { subject, id } = await registerAndRead(registry);
    expect((await http(registry.url, 'DELETE', `/subjects/${subject}`)).status).toBe(200);
    // A soft-deleted version still holds its id.
    expect((await http(registry.url, 'GET', `/schemas/ids/${id}`)).status).toBe(200);
    expect((await http(registry.url, 'DELETE', `/subjects/${subject}?permanent=true`)).status).toBe(200);
    const gone = await http<{ error_code: number }>(registry.url, 'GET', `/schemas/ids/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error_code).toBe(40403);
  });

  it('shows a delete made through another server on the same store object at once', async () => {
    const { subject, id } = await registerAndRead(registry, sibling);
    await softThenPermanentDelete(registry, subject);
    expect((await http(sibling.url, 'GET', `/schemas/ids/${id}`)).status).toBe(404);
  });

  it('registers a new version after a soft delete instead of answering with the cached deleted one', async () => {
    const { subject, schema } = await registerAndRead(registry);
    const again = await http<{ version: number }>(registry.url, 'POST', `/subjects/${subject}/versions`, { schema });
    expect(again.body.version).toBe(1);
    expect((await http(registry.url, 'DELETE', `/subjects/${subject}/versions/1`)).status).toBe(200);
    const fresh = await http<{ version: number }>(registry.url, 'POST', `/subjects/${subject}/versions`, { schema });
    expect(fresh.status).toBe(200);
    expect(fresh.body.version).toBe(2);
  });

  it('looks a schema up under the subject config in force, not a cached one', async () => {
    const subject = uniqueSubject('cache');
    const record = (props: Record<string, string>) => JSON.stringify({ type: 'record', name: 'Props', namespace: 'com.acme.props', ...props, fields: [{ name: 'id', type: 'string' }] });
    expect((await http(registry.url, 'POST', `/subjects/${subject}/versions`, { schema: record({ a: '1', b: '2' }) })).status).toBe(200);
    // Only normalization, which sorts custom properties, makes this the registered schema.
    const reordered = record({ b: '2', a: '1' });
    expect((await http(registry.url, 'POST', `/subjects/${subject}`, { schema: reordered })).status).toBe(404);
    expect((await http(sibling.url, 'PUT', `/config/${subject}`, { normalize: true })).status).toBe(200);
    expect((await http(registry.url, 'POST', `/subjects/${subject}`, { schema: reordered })).status).toBe(200);
  });
});

describe('caches on PostgreSQL, two registry instances on one database', () => {
  let pair: PostgresRegistryPair;
  let first: RunningRegistry;
  let second: RunningRegistry;

  beforeAll(async () => {
    pair = await startPostgresRegistryPair('herald_registry_cache');
    ({ first, second } = pair);
  });

  afterAll(() => pair?.dispose());

  // The documented bound is the TTL; the margin covers a loaded machine's scheduling, not the cache.
  const BOUND_MS = DEFAULT_CACHE_TTL_MS + 2_000;

  it('answers 40403 at once on the instance that deleted, and within the TTL on the other one', async () => {
    const { subject, id } = await registerAndRead(first, second);
    await softThenPermanentDelete(first, subject);
    const here = await http<{ error_code: number }>(first.url, 'GET', `/schemas/ids/${id}`);
    expect(here.status).toBe(404);
    expect(here.body.error_code).toBe(40403);
    const seen = await within(BOUND_MS, async () => {
      const there = await http<{ error_code: number }>(second.url, 'GET', `/schemas/ids/${id}`);
      return there.status === 404 && there.body.error_code === 40403;
    });
    expect(seen).toBe(true);
  });

  it('registers anew on one instance within the TTL after the other soft-deleted the version', async () => {
    const { subject, schema } = await registerAndRead(first, second);
    // Warm the second instance's "already registered" shortcut for this subject.
    expect((await http<{ version: number }>(second.url, 'POST', `/subjects/${subject}/versions`, { schema })).body.version).toBe(1);
    expect((await http(first.url, 'DELETE', `/subjects/${subject}/versions/1`)).status).toBe(200);
    const registered = await within(BOUND_MS, async () => {
      const answer = await http<{ version: number }>(second.url, 'POST', `/subjects/${subject}/versions`, { schema });
      return answer.status === 200 && answer.body.version === 2;
    });
    expect(registered).toBe(true);
  });

  it('reads a schema registered on the other instance at once', async () => {
    const subject = uniqueSubject('cache');
    const registered = await http<{ id: number }>(first.url, 'POST', `/subjects/${subject}/versions`, {
      schema: avroRecord('Fresh', [{ name: 'id', type: 'long' }], 'com.acme.fresh'),
    });
    expect((await http(second.url, 'GET', `/schemas/ids/${registered.body.id}`)).status).toBe(200);
  });
});
