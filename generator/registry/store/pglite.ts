/**
 * The embedded registry: PGlite (PostgreSQL compiled to WASM) persisted in a directory, running
 * the same SQL as the PostgreSQL store. One process at a time may open a directory; PGlite has no
 * guard of its own, and two writers would corrupt it, hence the lock file beside it.
 */
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { SqlDatabase } from './sql.js';
import { openSqlStore } from './sql-store.js';
import type { RegistryStore } from './store.js';

export class StoreLockedError extends Error {
  constructor(
    readonly lockFile: string,
    readonly pid: number,
  ) {
    super(`the registry store is in use by process ${pid} (lock file ${lockFile})`);
    this.name = 'StoreLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<dir>.lock`, replacing a lock left by a process that no longer runs. */
async function acquireLock(lockFile: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await unlink(lockFile).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) throw new StoreLockedError(lockFile, pid);
      await unlink(lockFile).catch(() => undefined);
    }
  }
  throw new Error(`cannot take the registry store lock ${lockFile}`);
}

export async function openPgliteStore(dir: string): Promise<RegistryStore> {
  const dataDir = path.resolve(dir);
  await mkdir(path.dirname(dataDir), { recursive: true });
  const release = await acquireLock(`${dataDir}.lock`);
  let db: PGlite | undefined;
  try {
    db = await PGlite.create(dataDir);
    const pglite = db;
    const database: SqlDatabase = {
      description: `pglite:${dataDir}`,
      async query<Row>(sql: string, params?: unknown[]): Promise<Row[]> {
        return (await pglite.query<Row>(sql, params)).rows;
      },
      transaction: (work) =>
        pglite.transaction((tx) =>
          work({
            async query<Row>(sql: string, params?: unknown[]): Promise<Row[]> {
              return (await tx.query<Row>(sql, params)).rows;
            },
          }),
        ),
      async close() {
        try {
          if (!pglite.closed) await pglite.close();
        } finally {
          await release();
        }
      },
    };
    return await openSqlStore(database, false);
  } catch (error) {
    if (db && !db.closed) await db.close().catch(() => undefined);
    await release();
    throw error;
  }
}
