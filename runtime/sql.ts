/**
 * The two databases the runtime writes to — a PostgreSQL server through `pg`, or PGlite embedded —
 * behind one small interface. The runtime never imports either driver: it accepts anything shaped
 * like a `pg.Pool` or a `PGlite` instance, so a service that uses only one of them does not load the
 * other.
 */
import type { SqlExecutor } from './api.js';

/** What the runtime needs of a `pg.PoolClient`. */
export interface PgClientLike extends SqlExecutor {
  release(error?: boolean | Error): void;
}

/** What the runtime needs of a `pg.Pool`. */
export interface PgPoolLike extends SqlExecutor {
  connect(): Promise<PgClientLike>;
}

/** What the runtime needs of a `PGlite` instance. */
export interface PgliteLike extends SqlExecutor {
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  readonly waitReady: Promise<void>;
}

export interface Database {
  /**
   * `pg`: many sessions; a transaction may stay open across a Kafka round trip without blocking
   * anyone else. `pglite`: one session; a transaction excludes every other query of the process.
   */
  readonly kind: 'pg' | 'pglite';
  /** Runs one statement outside any explicit transaction. */
  query: SqlExecutor['query'];
  /**
   * Runs `fn` in a transaction: committed when it resolves, rolled back when it throws.
   * `readCommitted` pins the isolation level whatever the server's default (PGlite has one
   * session, so nothing can interleave there and the option changes nothing).
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: { readCommitted?: boolean }): Promise<T>;
}

export type DatabaseInput = Database | PgPoolLike | PgliteLike;

export function pgDatabase(pool: PgPoolLike): Database {
  return {
    kind: 'pg',
    query: (text, params) => pool.query(text, params),
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: { readCommitted?: boolean }): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        // One round trip instead of BEGIN followed by SET TRANSACTION.
        await client.query(options?.readCommitted ? 'BEGIN ISOLATION LEVEL READ COMMITTED' : 'BEGIN');
        try {
          const result = await fn(client);
          await client.query('COMMIT');
          return result;
        } catch (error) {
          try {
            await client.query('ROLLBACK');
          } catch (rollbackError) {
            // A session that cannot roll back (connection lost) must not go back into the pool.
            broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
          }
          throw error;
        }
      } finally {
        client.release(broken);
      }
    },
  };
}

export function pgliteDatabase(db: PgliteLike): Database {
  return {
    kind: 'pglite',
    query: (text, params) => db.query(text, params),
    transaction: (fn) => db.transaction(fn),
  };
}

function isDatabase(input: DatabaseInput): input is Database {
  return 'kind' in input && (input.kind === 'pg' || input.kind === 'pglite') && 'transaction' in input;
}

/** Accepts a `Database`, a `pg.Pool` or a `PGlite` instance. */
export function toDatabase(input: DatabaseInput): Database {
  if (isDatabase(input)) return input;
  if ('waitReady' in input && 'transaction' in input) return pgliteDatabase(input);
  if ('connect' in input) return pgDatabase(input);
  throw new TypeError('expected a pg Pool, a PGlite instance or a herald Database');
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A table name for SQL text: `name` or `schema.name`, plain identifiers only. Table names come
 * from configuration, never from events, but they are still checked, since they cannot be bound
 * as parameters.
 */
export function tableName(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2 || parts.some((part) => !IDENTIFIER.test(part))) {
    throw new TypeError(`invalid table name ${JSON.stringify(name)}: use identifier or schema.identifier`);
  }
  return parts.map((part) => `"${part}"`).join('.');
}

/** An index or lock name derived from a table name (`"s"."t"` → `s_t`). */
export function tableSlug(name: string): string {
  return name.replace(/"/g, '').replace(/\./g, '_');
}

/** A stable 31-bit id for advisory locks, derived from a name (FNV-1a). */
export function lockNamespace(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash & 0x7fffffff;
}
