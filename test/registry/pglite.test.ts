/**
 * The embedded store: PGlite persisted in a directory survives a restart with the same ids,
 * versions, config and mode, and one directory is never opened by two registries at once.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistryServer } from '../../generator/registry/server/start.js';
import { openStore } from '../../generator/registry/store/open.js';
import { StoreLockedError } from '../../generator/registry/store/pglite.js';
import { avroRecord, http, uniqueSubject, type HttpAnswer } from './helpers.js';

let dir: string;
/** Both tests use one directory: creating an embedded database costs seconds, reopening one does not. */
const storePath = (): string => path.join(dir, 'nested', 'registry');

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'herald-registry-restart-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('PGlite store', () => {
  it('keeps schemas, ids, versions, config and mode across a restart, and goes on numbering after them', async () => {
    const store = storePath();
    const subject = uniqueSubject('persist');
    const other = uniqueSubject('persist');
    const v1 = avroRecord('Kept', [{ name: 'a', type: 'string' }]);
    const v2 = avroRecord('Kept', [
      { name: 'a', type: 'string' },
      { name: 'b', type: 'int', default: 1 },
    ]);

    const before = await startRegistryServer({ store, host: '127.0.0.1', port: 0, logger: false });
    const r1 = await http<{ id: number }>(before.url, 'POST', `/subjects/${subject}/versions`, { schema: v1 });
    const r2 = await http<{ id: number }>(before.url, 'POST', `/subjects/${subject}/versions`, { schema: v2 });
    await http(before.url, 'POST', `/subjects/${other}/versions`, { schema: v1 });
    await http(before.url, 'PUT', `/config/${subject}`, { compatibility: 'FULL' });
    await http(before.url, 'PUT', `/mode/${other}`, { mode: 'READONLY' });
    await http(before.url, 'DELETE', `/subjects/${other}/versions/1`).then((a) => expect(a.body).toMatchObject({ error_code: 42205 }));
    const registryId = (await http<{ id: string }>(before.url, 'GET', '/v1/metadata/id')).body.id;
    await before.close();
    expect((await stat(store)).isDirectory()).toBe(true);

    const after = await startRegistryServer({ store, host: '127.0.0.1', port: 0, logger: false });
    try {
      expect((await http(after.url, 'GET', `/subjects/${subject}/versions`)).body).toEqual([1, 2]);
      expect((await http(after.url, 'GET', `/subjects/${subject}/versions/1`)).body).toMatchObject({ id: r1.body.id });
      expect((await http(after.url, 'GET', `/subjects/${subject}/versions/2`)).body).toMatchObject({ id: r2.body.id });
      expect((await http<{ schema: string }>(after.url, 'GET', `/schemas/ids/${r2.body.id}`)).body.schema).toContain('"default":1');
      expect((await http(after.url, 'POST', `/subjects/${subject}/versions`, { schema: v1 })).body).toMatchObject({ id: r1.body.id, version: 1 });
      expect((await http(after.url, 'GET', `/config/${subject}`)).body).toEqual({ compatibilityLevel: 'FULL' });
      expect((await http(after.url, 'GET', `/mode/${other}`)).body).toEqual({ mode: 'READONLY' });
      expect((await http<{ id: string }>(after.url, 'GET', '/v1/metadata/id')).body.id).toBe(registryId);
      const fresh = await http<{ id: number }>(after.url, 'POST', `/subjects/${uniqueSubject()}/versions`, { schema: avroRecord('New', [{ name: 'z', type: 'int' }]) });
      expect(fresh.body.id).toBeGreaterThan(r2.body.id);
    } finally {
      await after.close();
    }
  });

  it('closes gracefully: requests in flight finish, later ones are refused, and the store is released last', async () => {
    const store = storePath();
    const running = await startRegistryServer({ store, host: '127.0.0.1', port: 0, logger: false });
    const subject = uniqueSubject('drain');
    await http(running.url, 'PUT', `/config/${subject}`, { compatibility: 'NONE' });
    const inFlight: Promise<HttpAnswer<{ version: number }> | Error>[] = Array.from({ length: 20 }, (_, i) =>
      http<{ version: number }>(running.url, 'POST', `/subjects/${subject}/versions`, { schema: avroRecord(`Drain${i}`, [{ name: 'a', type: 'int' }]) }).catch(
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      ),
    );
    // Give the requests time to reach the server before shutdown starts.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await running.close();
    const answers = await Promise.all(inFlight);
    const accepted = answers.filter((a): a is HttpAnswer<{ version: number }> => !(a instanceof Error) && a.status === 200);
    expect(accepted.length).toBeGreaterThan(0);
    for (const a of answers) if (!(a instanceof Error)) expect([200, 503]).toContain(a.status);
    await expect(fetch(`${running.url}/`)).rejects.toThrow();
    // The store was closed and its lock released: it opens again, with every acknowledged version in it.
    const reopened = await startRegistryServer({ store, host: '127.0.0.1', port: 0, logger: false });
    try {
      const versions = await http<number[]>(reopened.url, 'GET', `/subjects/${subject}/versions`);
      expect(versions.body).toEqual(expect.arrayContaining(accepted.map((a) => a.body.version)));
    } finally {
      await reopened.close();
    }
  });

  it('refuses to open a directory another registry holds, and frees it on close', async () => {
    const store = storePath();
    const holder = await openStore(store);
    try {
      await expect(openStore(store)).rejects.toBeInstanceOf(StoreLockedError);
    } finally {
      await holder.close();
    }
    const reopened = await openStore(store);
    await reopened.close();
  });
});
