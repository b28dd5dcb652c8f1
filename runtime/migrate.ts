/**
 * Creates the runtime's tables (outbox and dedupe). Idempotent, so services may run it at every
 * start; several processes starting at once are serialized by an advisory lock, because
 * concurrent `CREATE TABLE IF NOT EXISTS` can still fail on PostgreSQL's catalog constraints.
 *
 * Call it before the first outbox write: writes happen inside the caller's transaction, and
 * with PGlite (one session) a migration started from inside one would wait for it forever.
 */
import { dedupeMigration, DEFAULT_DEDUPE_TABLE } from './consume/dedupe.js';
import { DEFAULT_OUTBOX_TABLE, outboxMigration } from './outbox/schema.js';
import { lockNamespace, toDatabase, type DatabaseInput } from './sql.js';

export interface MigrateOptions {
  outboxTable?: string;
  dedupeTable?: string;
  /** Which tables to create (default both). */
  only?: 'outbox' | 'dedupe';
}

export async function migrate(input: DatabaseInput, options: MigrateOptions = {}): Promise<void> {
  const db = toDatabase(input);
  const statements = [
    ...(options.only !== 'dedupe' ? outboxMigration(options.outboxTable ?? DEFAULT_OUTBOX_TABLE) : []),
    ...(options.only !== 'outbox' ? dedupeMigration(options.dedupeTable ?? DEFAULT_DEDUPE_TABLE) : []),
  ];
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::int)', [lockNamespace('herald-migrate')]);
    for (const statement of statements) await tx.query(statement);
  });
}
