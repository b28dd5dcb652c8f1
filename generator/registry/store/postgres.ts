/**
 * The registry on a PostgreSQL server. Registry instances hold no state of their own, so any
 * number of them may serve one database: ids come from a sequence, identical schemas meet on a
 * unique fingerprint, and writers of one subject queue on an advisory lock.
 */
import pg from 'pg';
import type { SqlExecutor as RuntimeSqlExecutor } from '../../../runtime/api.js';
import { pgDatabase } from '../../../runtime/sql.js';
import type { SqlDatabase, SqlExecutor } from './sql.js';
import { openSqlStore } from './sql-store.js';
import type { RegistryStore } from './store.js';

export interface PostgresStoreOptions {
  /** Connections per registry instance. */
  maxConnections?: number;
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

/** The registry's executor (rows only) over a pool or a transaction's client. */
function executor(client: RuntimeSqlExecutor): SqlExecutor {
  return {
    async query<Row>(sql: string, params?: unknown[]): Promise<Row[]> {
      const result = await client.query(sql, params);
      return result.rows as Row[];
    },
  };
}

export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<RegistryStore> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle connection dropped by the server must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const transactions = pgDatabase(pool);
  const db: SqlDatabase = {
    description: redactUrl(url),
    query: (sql, params) => executor(pool).query(sql, params),
    // The runtime's pg transaction: BEGIN/COMMIT, ROLLBACK, and a connection that cannot roll back is discarded.
    transaction: (work) => transactions.transaction((tx) => work(executor(tx))),
    close: () => pool.end(),
  };
  try {
    return await openSqlStore(db, true);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}
