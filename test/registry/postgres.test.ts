/**
 * The PostgreSQL store on a real server, in a database of its own: several stateless registry
 * instances on one database keep ids unique, converge identical schemas on one id, keep version
 * numbers contiguous, and serialise compatibility checks per subject.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRegistry } from '../../generator/registry/server/start.js';
import { openPostgresStore } from '../../generator/registry/store/postgres.js';
import type { ScratchDatabase } from '../infra/postgres.js';
import { avroRecord, http, startPostgresRegistryPair, uniqueSubject, type PostgresRegistryPair } from './helpers.js';

let pair: PostgresRegistryPair;
let database: ScratchDatabase;
let first: RunningRegistry;
let second: RunningRegistry;

beforeAll(async () => {
  pair = await startPostgresRegistryPair('herald_registry');
  ({ database, first, second } = pair);
});

afterAll(() => pair?.dispose());

describe('PostgreSQL store', () => {
  it('applied its migrations once, in a database of its own', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: number }>('SELECT version FROM registry_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual([1]);
    } finally {
      await client.end();
    }
    const a = await http<{ id: string }>(first.url, 'GET', '/v1/metadata/id');
    const b = await http<{ id: string }>(second.url, 'GET', '/v1/metadata/id');
    expect(a.body.id).toBe(b.body.id);
  });

  it('keeps ids unique and convergent, and versions contiguous, under 50 concurrent registrations on two instances', async () => {
    await http(first.url, 'PUT', '/config', { compatibility: 'NONE' });
    try {
      const subjects = Array.from({ length: 5 }, () => uniqueSubject('conc'));
      const schemas = Array.from({ length: 10 }, (_, i) => avroRecord(`Event${i}`, [{ name: `f${i}`, type: 'string' }], 'com.acme.conc'));
      const jobs = Array.from({ length: 50 }, (_, i) => ({
        server: i % 2 === 0 ? first : second,
        subject: subjects[i % subjects.length]!,
        // Each schema goes to several subjects, and to some of them more than once.
        schemaIndex: Math.floor(i / 2) % schemas.length,
      }));
      const answers = await Promise.all(
        jobs.map(async (job) => ({
          ...job,
          answer: await http<{ id: number; version: number }>(job.server.url, 'POST', `/subjects/${job.subject}/versions`, {
            schema: schemas[job.schemaIndex],
          }),
        })),
      );
      for (const { answer } of answers) expect(answer.status, answer.text).toBe(200);

      // One id per schema, wherever and however often it was registered.
      const idOfSchema = new Map<number, Set<number>>();
      for (const { schemaIndex, answer } of answers) {
        idOfSchema.set(schemaIndex, (idOfSchema.get(schemaIndex) ?? new Set()).add(answer.body.id));
      }
      for (const [index, ids] of idOfSchema) expect([...ids], `schema ${index}`).toHaveLength(1);
      const subjectsPerSchema = new Map<number, Set<string>>();
      for (const { schemaIndex, subject } of jobs) subjectsPerSchema.set(schemaIndex, (subjectsPerSchema.get(schemaIndex) ?? new Set()).add(subject));
      expect(Math.min(...[...subjectsPerSchema.values()].map((s) => s.size))).toBeGreaterThan(1);
      const ids = [...idOfSchema.values()].map((s) => [...s][0]!);
      expect(new Set(ids).size).toBe(idOfSchema.size);

      for (const subject of subjects) {
        const mine = answers.filter((a) => a.subject === subject);
        const distinct = new Set(mine.map((a) => a.schemaIndex));
        // One version per distinct schema, numbered 1..n without gaps.
        const versions = await http<number[]>(second.url, 'GET', `/subjects/${subject}/versions`);
        expect(versions.body).toEqual(Array.from({ length: distinct.size }, (_, i) => i + 1));
        for (const index of distinct) {
          const seen = new Set(mine.filter((a) => a.schemaIndex === index).map((a) => a.answer.body.version));
          expect(seen.size, `${subject} schema ${index}`).toBe(1);
        }
        // Both instances answer the same for every version.
        for (const v of versions.body) {
          const a = await http(first.url, 'GET', `/subjects/${subject}/versions/${v}`);
          const b = await http(second.url, 'GET', `/subjects/${subject}/versions/${v}`);
          expect(a.body).toEqual(b.body);
        }
      }
      for (const [index, idSet] of idOfSchema) {
        const id = [...idSet][0]!;
        const read = await http<{ schema: string }>(first.url, 'GET', `/schemas/ids/${id}`);
        expect(JSON.parse(read.body.schema)).toEqual(JSON.parse(schemas[index]!));
      }
    } finally {
      await http(first.url, 'DELETE', '/config');
    }
  });

  it('checks compatibility one writer at a time: of two concurrent, mutually incompatible evolutions only one lands', async () => {
    const base = avroRecord('Shape', [{ name: 'a', type: 'int' }]);
    const asString = avroRecord('Shape', [
      { name: 'a', type: 'int' },
      { name: 'b', type: 'string', default: '' },
    ]);
    const asInt = avroRecord('Shape', [
      { name: 'a', type: 'int' },
      { name: 'b', type: 'int', default: 0 },
    ]);
    for (let round = 0; round < 5; round++) {
      const subject = uniqueSubject('race');
      expect((await http(first.url, 'POST', `/subjects/${subject}/versions`, { schema: base })).status).toBe(200);
      const [x, y] = await Promise.all([
        http(first.url, 'POST', `/subjects/${subject}/versions`, { schema: asString }),
        http(second.url, 'POST', `/subjects/${subject}/versions`, { schema: asInt }),
      ]);
      expect([x.status, y.status].sort()).toEqual([200, 409]);
      expect((await http(second.url, 'GET', `/subjects/${subject}/versions`)).body).toEqual([1, 2]);
    }
  });

  it('never hands an id out twice, also across deletes and imports', async () => {
    const subject = uniqueSubject('ids');
    const a = await http<{ id: number }>(first.url, 'POST', `/subjects/${subject}/versions`, { schema: avroRecord('IdA', [{ name: 'x', type: 'int' }]) });
    await http(first.url, 'DELETE', `/subjects/${subject}`);
    await http(first.url, 'DELETE', `/subjects/${subject}?permanent=true`);
    const b = await http<{ id: number }>(second.url, 'POST', `/subjects/${subject}/versions`, { schema: avroRecord('IdB', [{ name: 'x', type: 'int' }]) });
    expect(b.body.id).toBeGreaterThan(a.body.id);

    const imported = uniqueSubject('import');
    await http(first.url, 'PUT', `/mode/${imported}`, { mode: 'IMPORT' });
    const bigId = b.body.id + 1000;
    const placed = await http<{ id: number }>(first.url, 'POST', `/subjects/${imported}/versions`, {
      schema: avroRecord('IdImported', [{ name: 'x', type: 'int' }]),
      id: bigId,
    });
    expect(placed.body.id).toBe(bigId);
    await http(first.url, 'DELETE', `/mode/${imported}`);
    const c = await http<{ id: number }>(second.url, 'POST', `/subjects/${uniqueSubject()}/versions`, { schema: avroRecord('IdC', [{ name: 'x', type: 'int' }]) });
    expect(c.body.id).toBeGreaterThan(bigId);
  });

  it('holds a subject lock until the transaction ends, across connections', async () => {
    const a = await openPostgresStore(database.url, { maxConnections: 2 });
    const b = await openPostgresStore(database.url, { maxConnections: 2 });
    try {
      const order: string[] = [];
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const first = a.transaction(async (tx) => {
        await tx.lockSubject('locked-subject');
        locked();
        await held;
        order.push('first done');
      });
      await isLocked;
      const second = b.transaction(async (tx) => {
        await tx.lockSubject('locked-subject');
        order.push('second locked');
      });
      const other = b.transaction(async (tx) => {
        await tx.lockSubject('another-subject');
        order.push('other locked');
      });
      await other;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(order).toEqual(['other locked']);
      release();
      await Promise.all([first, second]);
      expect(order).toEqual(['other locked', 'first done', 'second locked']);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('runs a transaction again after a unique violation or deadlock, and rolls back the failed attempt', async () => {
    const store = await openPostgresStore(database.url, { maxConnections: 1 });
    try {
      const scope = uniqueSubject('retry');
      let attempts = 0;
      const result = await store.transaction(async (tx) => {
        attempts++;
        await tx.setMode(scope, attempts === 1 ? 'READONLY' : 'IMPORT');
        if (attempts < 3) throw Object.assign(new Error('conflict'), { code: attempts === 1 ? '23505' : '40P01' });
        return 'done';
      });
      expect(result).toBe('done');
      expect(attempts).toBe(3);
      expect(await store.mode(scope)).toBe('IMPORT');
      await expect(
        store.transaction(async (tx) => {
          await tx.setMode(scope, 'READONLY');
          throw new Error('not retryable');
        }),
      ).rejects.toThrow('not retryable');
      expect(await store.mode(scope)).toBe('IMPORT');
    } finally {
      await store.close();
    }
  });

  it('is ready while the database answers', async () => {
    expect((await http(first.url, 'GET', '/ready')).status).toBe(200);
  });
});
