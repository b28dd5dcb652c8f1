/**
 * The dedupe (inbox) table: one row per (consumer group, event id) the group has handled. The row
 * is inserted in the same transaction as the handler's writes, so it exists exactly when the
 * handler's effects committed: a redelivered event finds it and is skipped, and an attempt that
 * failed leaves no row behind, so its redelivery is handled (unlike dedupe that records the id
 * before handling).
 */
import type { SqlExecutor } from '../api.js';
import { tableName, type Database } from '../sql.js';

export const DEFAULT_DEDUPE_TABLE = 'herald_dedupe';

export function dedupeMigration(table: string = DEFAULT_DEDUPE_TABLE): string[] {
  const t = tableName(table);
  const base = table.split('.').pop()!;
  return [
    `CREATE TABLE IF NOT EXISTS ${t} (
      consumer_group text        NOT NULL,
      event_id       text        NOT NULL,
      handled_at     timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer_group, event_id)
    )`,
    `CREATE INDEX IF NOT EXISTS ${base}_handled_at ON ${t} (handled_at)`,
  ];
}

/**
 * Inserts the ids not yet recorded for the group and returns them: the events to handle. One
 * statement for a whole batch. Ids are sorted so that two transactions racing over the same ids
 * (a rebalance hands a partition over mid-batch) lock them in the same order and cannot deadlock;
 * the second waits for the first and then sees its rows as conflicts.
 */
export async function claimEventIds(tx: SqlExecutor, table: string, group: string, eventIds: string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const unique = [...new Set(eventIds)].sort();
  const { rows } = await tx.query<{ event_id: string }>(
    `INSERT INTO ${tableName(table)} (consumer_group, event_id)
       SELECT $1, id FROM unnest($2::text[]) AS id
     ON CONFLICT DO NOTHING
     RETURNING event_id`,
    [group, unique],
  );
  return new Set(rows.map((row) => row.event_id));
}

/**
 * Deletes dedupe rows older than `maxAgeMs`, `batchSize` at a time so that no statement holds
 * many row locks; returns how many went. A redelivery older than the window would be handled
 * again, so the window must exceed the longest time a record can stay unconsumed.
 */
export async function purgeDedupe(db: Database, table: string, maxAgeMs: number, batchSize = 1000): Promise<number> {
  const t = tableName(table);
  let total = 0;
  for (;;) {
    const { rows } = await db.query<{ n: number }>(
      `WITH gone AS (
         DELETE FROM ${t} WHERE ctid IN (
           SELECT ctid FROM ${t} WHERE handled_at < now() - make_interval(secs => $1::float8) LIMIT $2)
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [maxAgeMs / 1000, batchSize],
    );
    const n = Number(rows[0]?.n ?? 0);
    total += n;
    if (n < batchSize) return total;
  }
}
