/**
 * The registry's tables, one list of migrations for PostgreSQL and PGlite alike. Applied in one
 * transaction under an advisory lock, so registry instances starting together against one
 * database neither race nor apply a step twice. Append new steps; never edit an applied one.
 */
import type { SqlExecutor } from './sql.js';

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** Advisory lock classes (first key of the two-key form), so registry locks never meet other users' locks. */
export const MIGRATION_LOCK_CLASS = 0x48524d47; // "HRMG"
export const SUBJECT_LOCK_CLASS = 0x48525347; // "HRSG"

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'schemas, versions, references, config and mode',
    statements: [
      // Ids come from a sequence rather than max(id)+1 so that an id is never handed out twice,
      // not even after the schema that had it is gone, and concurrent writers never wait on each other for one.
      `CREATE SEQUENCE registry_schema_ids AS integer MINVALUE 1`,
      `CREATE TABLE registry_schemas (
        id integer PRIMARY KEY,
        fingerprint text NOT NULL,
        guid text NOT NULL,
        schema_type text NOT NULL,
        schema_text text NOT NULL,
        metadata jsonb,
        rule_set jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT registry_schemas_fingerprint_key UNIQUE (fingerprint)
      )`,
      `CREATE INDEX registry_schemas_guid_idx ON registry_schemas (guid)`,
      `CREATE TABLE registry_references (
        schema_id integer NOT NULL REFERENCES registry_schemas (id),
        position integer NOT NULL,
        name text NOT NULL,
        subject text NOT NULL,
        version integer NOT NULL,
        PRIMARY KEY (schema_id, position)
      )`,
      `CREATE INDEX registry_references_target_idx ON registry_references (subject, version)`,
      `CREATE TABLE registry_versions (
        subject text NOT NULL,
        version integer NOT NULL,
        schema_id integer NOT NULL REFERENCES registry_schemas (id),
        deleted boolean NOT NULL DEFAULT false,
        registered_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subject, version)
      )`,
      // A schema is live at most once per subject: re-registering it must return the existing version.
      `CREATE UNIQUE INDEX registry_versions_live_schema_idx ON registry_versions (subject, schema_id) WHERE NOT deleted`,
      `CREATE INDEX registry_versions_schema_idx ON registry_versions (schema_id)`,
      `CREATE TABLE registry_configs (scope text PRIMARY KEY, config jsonb NOT NULL)`,
      `CREATE TABLE registry_modes (scope text PRIMARY KEY, mode text NOT NULL)`,
      `CREATE TABLE registry_meta (key text PRIMARY KEY, value text NOT NULL)`,
    ],
  },
];

export async function migrate(tx: SqlExecutor): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1, 0)', [MIGRATION_LOCK_CLASS]);
  await tx.query(`CREATE TABLE IF NOT EXISTS registry_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied = new Set(
    (await tx.query<{ version: number }>('SELECT version FROM registry_migrations')).map((row) => row.version),
  );
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    for (const statement of migration.statements) await tx.query(statement);
    await tx.query('INSERT INTO registry_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
  }
}
