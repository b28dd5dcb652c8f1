/**
 * The registry store in SQL, shared by the PostgreSQL and PGlite stores: the same statements run
 * on both, so the embedded default behaves exactly like the shared-database deployment.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JsonObject, RegistryConfig, RegistryMode, SchemaReference, SchemaType } from '../model.js';
import { migrate, SUBJECT_LOCK_CLASS } from './migrations.js';
import { isRetryable, type SqlDatabase, type SqlExecutor } from './sql.js';
import type {
  InsertSchemaResult,
  NewSchema,
  RegistryReader,
  RegistryStore,
  RegistryWriter,
  StoredSchema,
  StoredVersion,
  VersionFilter,
} from './store.js';

interface SchemaRow {
  id: number;
  guid: string;
  fingerprint: string;
  schema_type: string;
  schema_text: string;
  metadata: JsonObject | null;
  rule_set: JsonObject | null;
  refs: SchemaReference[] | string;
}

interface VersionRow {
  subject: string;
  version: number;
  schema_id: number;
  deleted: boolean;
}

const SCHEMA_COLUMNS = `s.id, s.guid, s.fingerprint, s.schema_type, s.schema_text, s.metadata, s.rule_set,
  COALESCE((SELECT json_agg(json_build_object('name', r.name, 'subject', r.subject, 'version', r.version) ORDER BY r.position)
            FROM registry_references r WHERE r.schema_id = s.id), '[]'::json) AS refs`;

const VERSION_COLUMNS = 'subject, version, schema_id, deleted';

/** Subjects sort by code point on every server, whatever the database's default collation. */
const BY_SUBJECT = 'subject COLLATE "C"';

function toSchema(row: SchemaRow): StoredSchema {
  const refs = typeof row.refs === 'string' ? (JSON.parse(row.refs) as SchemaReference[]) : row.refs;
  return {
    id: row.id,
    guid: row.guid,
    fingerprint: row.fingerprint,
    schemaType: row.schema_type as SchemaType,
    schema: row.schema_text,
    references: refs,
    ...(row.metadata !== null ? { metadata: row.metadata } : {}),
    ...(row.rule_set !== null ? { ruleSet: row.rule_set } : {}),
  };
}

function toVersion(row: VersionRow): StoredVersion {
  return { subject: row.subject, version: row.version, schemaId: row.schema_id, deleted: row.deleted };
}

class SqlReader implements RegistryReader {
  constructor(protected readonly sql: SqlExecutor) {}

  private async oneSchema(where: string, param: unknown): Promise<StoredSchema | undefined> {
    const rows = await this.sql.query<SchemaRow>(`SELECT ${SCHEMA_COLUMNS} FROM registry_schemas s WHERE ${where}`, [param]);
    return rows[0] ? toSchema(rows[0]) : undefined;
  }

  schemaById(id: number): Promise<StoredSchema | undefined> {
    return this.oneSchema('s.id = $1', id);
  }

  schemaByGuid(guid: string): Promise<StoredSchema | undefined> {
    return this.oneSchema('s.guid = $1', guid);
  }

  schemaByFingerprint(fingerprint: string): Promise<StoredSchema | undefined> {
    return this.oneSchema('s.fingerprint = $1', fingerprint);
  }

  async versions(subject: string, filter: VersionFilter): Promise<StoredVersion[]> {
    const rows = await this.sql.query<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM registry_versions WHERE subject = $1 AND ($2 OR NOT deleted) ORDER BY version`,
      [subject, filter.includeDeleted],
    );
    return rows.map(toVersion);
  }

  async allVersions(filter: VersionFilter & { subjectPrefix?: string }): Promise<StoredVersion[]> {
    const rows = await this.sql.query<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM registry_versions
       WHERE ($1 OR NOT deleted) AND ($2::text IS NULL OR starts_with(subject, $2::text))
       ORDER BY ${BY_SUBJECT}, version`,
      [filter.includeDeleted, filter.subjectPrefix ?? null],
    );
    return rows.map(toVersion);
  }

  async versionsOfSchema(schemaId: number, filter: VersionFilter): Promise<StoredVersion[]> {
    const rows = await this.sql.query<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM registry_versions WHERE schema_id = $1 AND ($2 OR NOT deleted) ORDER BY ${BY_SUBJECT}, version`,
      [schemaId, filter.includeDeleted],
    );
    return rows.map(toVersion);
  }

  async referrers(subject: string, version: number): Promise<StoredVersion[]> {
    const rows = await this.sql.query<VersionRow>(
      `SELECT DISTINCT v.subject, v.version, v.schema_id, v.deleted
       FROM registry_references r JOIN registry_versions v ON v.schema_id = r.schema_id
       WHERE r.subject = $1 AND r.version = $2
       ORDER BY v.schema_id, v.subject, v.version`,
      [subject, version],
    );
    return rows.map(toVersion);
  }

  async maxSchemaId(): Promise<number> {
    const rows = await this.sql.query<{ max: number }>('SELECT COALESCE(MAX(id), 0)::integer AS max FROM registry_schemas');
    return rows[0]?.max ?? 0;
  }

  async config(scope: string): Promise<RegistryConfig | undefined> {
    const rows = await this.sql.query<{ config: RegistryConfig }>('SELECT config FROM registry_configs WHERE scope = $1', [scope]);
    return rows[0]?.config;
  }

  async mode(scope: string): Promise<RegistryMode | undefined> {
    const rows = await this.sql.query<{ mode: RegistryMode }>('SELECT mode FROM registry_modes WHERE scope = $1', [scope]);
    return rows[0]?.mode;
  }

  async registryId(): Promise<string> {
    const rows = await this.sql.query<{ value: string }>(`SELECT value FROM registry_meta WHERE key = 'registry_id'`);
    return rows[0]?.value ?? '';
  }
}

class SqlWriter extends SqlReader implements RegistryWriter {
  async lockSubject(subject: string): Promise<void> {
    await this.sql.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SUBJECT_LOCK_CLASS, subject]);
  }

  async insertSchema(schema: NewSchema, explicitId?: number): Promise<InsertSchemaResult> {
    const existing = await this.sql.query<{ id: number }>('SELECT id FROM registry_schemas WHERE fingerprint = $1', [schema.fingerprint]);
    if (explicitId !== undefined) {
      const holder = await this.sql.query<{ fingerprint: string }>('SELECT fingerprint FROM registry_schemas WHERE id = $1', [explicitId]);
      if (holder[0]) {
        return holder[0].fingerprint === schema.fingerprint
          ? { ok: true, id: explicitId, created: false }
          : { ok: false, reason: 'id-taken', id: explicitId };
      }
      if (existing[0]) return { ok: false, reason: 'schema-has-other-id', id: existing[0].id };
      // Move the sequence past the imported id first, so no later allocation can hand it out again.
      await this.sql.query(
        'SELECT setval(\'registry_schema_ids\', GREATEST($1::integer, (SELECT last_value FROM registry_schema_ids)))',
        [explicitId],
      );
      if ((await this.insertRow(schema, '$7::integer', explicitId)) !== undefined) return { ok: true, id: explicitId, created: true };
      const raced = await this.sql.query<{ id: number }>('SELECT id FROM registry_schemas WHERE fingerprint = $1', [schema.fingerprint]);
      return { ok: false, reason: 'schema-has-other-id', id: raced[0]?.id ?? explicitId };
    }
    if (existing[0]) return { ok: true, id: existing[0].id, created: false };
    // A concurrent writer of the same schema makes this insert wait for its commit and then do
    // nothing; the re-read below then sees that writer's row, so both end up with one id.
    const inserted = await this.insertRow(schema, "nextval('registry_schema_ids')");
    if (inserted !== undefined) return { ok: true, id: inserted, created: true };
    const winner = await this.sql.query<{ id: number }>('SELECT id FROM registry_schemas WHERE fingerprint = $1', [schema.fingerprint]);
    if (!winner[0]) throw new Error(`schema ${schema.fingerprint} neither inserted nor found`);
    return { ok: true, id: winner[0].id, created: false };
  }

  private async insertRow(schema: NewSchema, idExpression: string, explicitId?: number): Promise<number | undefined> {
    const params: unknown[] = [
      schema.fingerprint,
      schema.guid,
      schema.schemaType,
      schema.schema,
      schema.metadata === undefined ? null : JSON.stringify(schema.metadata),
      schema.ruleSet === undefined ? null : JSON.stringify(schema.ruleSet),
    ];
    if (explicitId !== undefined) params.push(explicitId);
    const rows = await this.sql.query<{ id: number }>(
      `INSERT INTO registry_schemas (id, fingerprint, guid, schema_type, schema_text, metadata, rule_set)
       VALUES (${idExpression}, $1, $2, $3, $4, $5::jsonb, $6::jsonb)
       ON CONFLICT (fingerprint) DO NOTHING
       RETURNING id`,
      params,
    );
    const id = rows[0]?.id;
    if (id === undefined) return undefined;
    for (const [position, ref] of schema.references.entries()) {
      await this.sql.query(
        'INSERT INTO registry_references (schema_id, position, name, subject, version) VALUES ($1, $2, $3, $4, $5)',
        [id, position, ref.name, ref.subject, ref.version],
      );
    }
    return id;
  }

  async insertVersion(version: Omit<StoredVersion, 'deleted'>): Promise<void> {
    await this.sql.query('INSERT INTO registry_versions (subject, version, schema_id) VALUES ($1, $2, $3)', [
      version.subject,
      version.version,
      version.schemaId,
    ]);
  }

  async markDeleted(subject: string, versions: number[]): Promise<void> {
    if (versions.length === 0) return;
    await this.sql.query('UPDATE registry_versions SET deleted = true WHERE subject = $1 AND version = ANY($2::integer[])', [
      subject,
      versions,
    ]);
  }

  async deletePermanently(subject: string, versions: number[]): Promise<void> {
    if (versions.length === 0) return;
    await this.sql.query('DELETE FROM registry_versions WHERE subject = $1 AND version = ANY($2::integer[])', [subject, versions]);
  }

  async setConfig(scope: string, config: RegistryConfig): Promise<void> {
    await this.sql.query(
      'INSERT INTO registry_configs (scope, config) VALUES ($1, $2::jsonb) ON CONFLICT (scope) DO UPDATE SET config = EXCLUDED.config',
      [scope, JSON.stringify(config)],
    );
  }

  async deleteConfig(scope: string): Promise<void> {
    await this.sql.query('DELETE FROM registry_configs WHERE scope = $1', [scope]);
  }

  async setMode(scope: string, mode: RegistryMode): Promise<void> {
    await this.sql.query(
      'INSERT INTO registry_modes (scope, mode) VALUES ($1, $2) ON CONFLICT (scope) DO UPDATE SET mode = EXCLUDED.mode',
      [scope, mode],
    );
  }

  async deleteMode(scope: string): Promise<void> {
    await this.sql.query('DELETE FROM registry_modes WHERE scope = $1', [scope]);
  }

  async deleteAllModes(): Promise<void> {
    await this.sql.query('DELETE FROM registry_modes');
  }
}

const MAX_ATTEMPTS = 6;

class SqlRegistryStore extends SqlReader implements RegistryStore {
  generation = 0;

  constructor(
    private readonly db: SqlDatabase,
    readonly shared: boolean,
  ) {
    super(db);
  }

  get description(): string {
    return this.db.description;
  }

  async transaction<T>(work: (tx: RegistryWriter) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction((tx) => work(new SqlWriter(tx)));
      } catch (error) {
        if (!isRetryable(error) || attempt >= MAX_ATTEMPTS) throw error;
        // Jittered, growing pause so that writers which collided do not collide again in lockstep.
        await sleep(Math.random() * 10 * 2 ** attempt);
      } finally {
        // Only after the commit: a cache read that began before it then finds the generation moved.
        this.generation++;
      }
    }
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/** Brings the database's registry tables up to date and wraps it as a store; `shared` as in RegistryStore. */
export async function openSqlStore(db: SqlDatabase, shared: boolean): Promise<RegistryStore> {
  await db.transaction(async (tx) => {
    await migrate(tx);
    await tx.query(`INSERT INTO registry_meta (key, value) VALUES ('registry_id', $1) ON CONFLICT (key) DO NOTHING`, [randomUUID()]);
  });
  return new SqlRegistryStore(db, shared);
}
