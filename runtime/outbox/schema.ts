/**
 * The outbox table. One row per event, written in the service's own transaction; the relay
 * publishes rows and then deletes them (or marks them, when `published_at` is used for an audit
 * trail). The same SQL runs on PostgreSQL and PGlite.
 *
 * `seq` orders the rows of one key: events of one entity are written by transactions that are
 * serialized on that entity (its row lock, or one writer after another), so a later event always
 * gets a larger `seq` *and* commits later. Rows of unrelated keys may commit out of `seq` order;
 * that is harmless, because the relay never uses `seq` as a cursor (rows are deleted or marked,
 * so a row that commits late is still found) and only orders rows within a key.
 *
 * `bucket` is a hash of the key into a fixed number of buckets. Relays lock buckets, never single
 * rows, so all events of a key are published by one relay at a time (see relay.ts).
 */
import { tableName } from '../sql.js';

/**
 * Buckets per outbox table. Part of the table's contract: every writer and relay of a table must
 * agree on it, so it is a constant rather than an option.
 */
export const OUTBOX_BUCKETS = 64;

export const DEFAULT_OUTBOX_TABLE = 'herald_outbox';

/** The bucket of a key: FNV-1a over its UTF-8 bytes, modulo OUTBOX_BUCKETS. */
export function outboxBucket(key: string): number {
  let hash = 0x811c9dc5;
  const step = (byte: number): void => {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  };
  for (let i = 0; i < key.length; i++) {
    let code = key.charCodeAt(i);
    // UTF-8 without allocating a buffer (keys are mostly ASCII ids).
    if (code < 0x80) step(code);
    else if (code < 0x800) {
      step(0xc0 | (code >> 6));
      step(0x80 | (code & 0x3f));
    } else if (code >= 0xd800 && code < 0xdc00 && i + 1 < key.length && (key.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      code = 0x10000 + ((code - 0xd800) << 10) + (key.charCodeAt(++i) - 0xdc00);
      step(0xf0 | (code >> 18));
      step(0x80 | ((code >> 12) & 0x3f));
      step(0x80 | ((code >> 6) & 0x3f));
      step(0x80 | (code & 0x3f));
    } else {
      // Lone surrogates encode as U+FFFD, as Buffer.from does.
      if (code >= 0xd800 && code < 0xe000) code = 0xfffd;
      step(0xe0 | (code >> 12));
      step(0x80 | ((code >> 6) & 0x3f));
      step(0x80 | (code & 0x3f));
    }
  }
  return (hash >>> 0) % OUTBOX_BUCKETS;
}

/** The DDL for an outbox table (idempotent: safe to run at every start). */
export function outboxMigration(table: string = DEFAULT_OUTBOX_TABLE): string[] {
  const t = tableName(table);
  const base = table.split('.').pop()!;
  return [
    `CREATE TABLE IF NOT EXISTS ${t} (
      seq          bigserial PRIMARY KEY,
      event_id     text        NOT NULL,
      event_type   text        NOT NULL,
      topic        text        NOT NULL,
      key          text        NOT NULL,
      bucket       smallint    NOT NULL,
      value        bytea       NOT NULL,
      headers      jsonb       NOT NULL,
      created_at   timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz
    )`,
    // What the relay reads: pending rows by bucket, in seq order. Partial, so published rows kept
    // by mark mode cost nothing here.
    `CREATE INDEX IF NOT EXISTS ${base}_pending ON ${t} (bucket, seq) WHERE published_at IS NULL`,
    `CREATE INDEX IF NOT EXISTS ${base}_published ON ${t} (published_at) WHERE published_at IS NOT NULL`,
  ];
}
