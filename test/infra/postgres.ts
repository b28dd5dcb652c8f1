import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server tests run against: `DATABASE_URL`, or the local server CI provides (trust auth). */
export const SERVER_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Env var through which global setup hands the per-run database to test workers. */
export const TEST_DATABASE_ENV = 'HERALD_TEST_DATABASE_URL';

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `cannot reach PostgreSQL at ${SERVER_URL} (${reason}). Start a server there or set DATABASE_URL; the suite needs a real PostgreSQL.`,
    );
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface ScratchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates a fresh, uniquely named database on the server, so runs never see each other's rows. */
export async function createScratchDatabase(prefix = 'herald_test'): Promise<ScratchDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  return {
    name,
    url: withDatabase(SERVER_URL, name),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** The per-run database created by global setup; a file run on its own gets a scratch one. */
export function testDatabaseUrl(): string {
  const url = process.env[TEST_DATABASE_ENV];
  if (!url) throw new Error(`${TEST_DATABASE_ENV} is not set: run the suite through vitest so global setup creates the database`);
  return url;
}

/**
 * A schema of its own inside the run's database for one test file, so files running in
 * parallel workers do not see each other's tables.
 */
export async function isolatedSchema(pool: pg.Pool, prefix = 't'): Promise<string> {
  const schema = `${prefix}_${randomBytes(5).toString('hex')}`;
  await pool.query(`CREATE SCHEMA ${schema}`);
  return schema;
}
