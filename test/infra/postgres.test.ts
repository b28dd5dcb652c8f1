import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPglite } from './pglite.js';
import { testDatabaseUrl } from './postgres.js';

describe('database test infrastructure', () => {
  it('gives the run its own fresh PostgreSQL database', async () => {
    const url = testDatabaseUrl();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ db: string; version: string }>('select current_database() as db, version() as version');
      expect(rows[0]?.db).toMatch(/^herald_run_\d+_[0-9a-f]{8}$/);
      expect(rows[0]?.version).toMatch(/^PostgreSQL \d+/);
    } finally {
      await client.end();
    }
  });

  it('runs PGlite persisted to a folder, surviving a reopen', async () => {
    const first = await startPglite({ persist: true });
    await first.db.exec('create table t (id int primary key); insert into t values (1), (2)');
    const dir = first.dir!;
    await first.db.close();
    const { PGlite } = await import('@electric-sql/pglite');
    const reopened = new PGlite(dir);
    const { rows } = await reopened.query<{ n: number }>('select count(*)::int as n from t');
    expect(rows[0]?.n).toBe(2);
    await reopened.close();
    const { rm } = await import('node:fs/promises');
    await rm(dir, { recursive: true, force: true });
  });
});
