import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

export interface EmbeddedDatabase {
  db: PGlite;
  /** Folder holding the data files, or undefined for an in-memory database. */
  dir: string | undefined;
  close(): Promise<void>;
}

/** A PGlite database for the embedded default: persisted in a temp folder, or in memory. */
export async function startPglite(options: { persist?: boolean } = {}): Promise<EmbeddedDatabase> {
  const dir = options.persist ? await mkdtemp(path.join(tmpdir(), 'herald-pglite-')) : undefined;
  const db = dir ? new PGlite(dir) : new PGlite();
  await db.waitReady;
  return {
    db,
    dir,
    close: async () => {
      await db.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
