/**
 * What the registry keeps, behind one interface for PostgreSQL and PGlite. The store knows rows,
 * not Confluent rules: which version is "latest", what a soft delete hides and which error a
 * client gets are decided by the service.
 */
import type { JsonObject, RegistryConfig, RegistryMode, SchemaReference, SchemaType } from '../model.js';

export interface StoredSchema {
  id: number;
  guid: string;
  fingerprint: string;
  schemaType: SchemaType;
  schema: string;
  references: SchemaReference[];
  metadata?: JsonObject;
  ruleSet?: JsonObject;
}

export interface StoredVersion {
  subject: string;
  version: number;
  schemaId: number;
  deleted: boolean;
}

export type NewSchema = Omit<StoredSchema, 'id'>;

/** Outcome of placing a schema: its id, or why an explicit (IMPORT) id cannot be used. */
export type InsertSchemaResult =
  | { ok: true; id: number; created: boolean }
  /** The id already stands for a different schema. */
  | { ok: false; reason: 'id-taken'; id: number }
  /** The schema already has another id; one schema never has two ids here. */
  | { ok: false; reason: 'schema-has-other-id'; id: number };

export interface VersionFilter {
  /** Include soft-deleted versions. */
  includeDeleted: boolean;
}

export interface RegistryReader {
  schemaById(id: number): Promise<StoredSchema | undefined>;
  schemaByGuid(guid: string): Promise<StoredSchema | undefined>;
  schemaByFingerprint(fingerprint: string): Promise<StoredSchema | undefined>;
  /** A subject's versions, oldest first. */
  versions(subject: string, filter: VersionFilter): Promise<StoredVersion[]>;
  /** Versions of every subject (optionally those starting with a prefix), by subject then version. */
  allVersions(filter: VersionFilter & { subjectPrefix?: string }): Promise<StoredVersion[]>;
  /** Every subject version that holds this schema id, by subject then version. */
  versionsOfSchema(schemaId: number, filter: VersionFilter): Promise<StoredVersion[]>;
  /** Ids of schemas whose references name this subject version, with the versions that hold them. */
  referrers(subject: string, version: number): Promise<StoredVersion[]>;
  /** The highest schema id ever handed out (0 when none). */
  maxSchemaId(): Promise<number>;
  /** `scope` is a subject or GLOBAL_SCOPE. */
  config(scope: string): Promise<RegistryConfig | undefined>;
  mode(scope: string): Promise<RegistryMode | undefined>;
  /** A stable id for this registry, made when its storage was created. */
  registryId(): Promise<string>;
}

export interface RegistryWriter extends RegistryReader {
  /**
   * Serialises writers of one subject until the transaction ends, across every registry
   * instance sharing the store: version numbers and compatibility checks depend on it.
   */
  lockSubject(subject: string): Promise<void>;
  /** Returns the id of an identical schema if there is one, else stores it under a new or the given id. */
  insertSchema(schema: NewSchema, explicitId?: number): Promise<InsertSchemaResult>;
  insertVersion(version: Omit<StoredVersion, 'deleted'>): Promise<void>;
  markDeleted(subject: string, versions: number[]): Promise<void>;
  deletePermanently(subject: string, versions: number[]): Promise<void>;
  setConfig(scope: string, config: RegistryConfig): Promise<void>;
  deleteConfig(scope: string): Promise<void>;
  setMode(scope: string, mode: RegistryMode): Promise<void>;
  deleteMode(scope: string): Promise<void>;
  deleteAllModes(): Promise<void>;
}

export interface RegistryStore extends RegistryReader {
  /** Runs `work` in one transaction, retried from the start when the database reports a conflict. */
  transaction<T>(work: (tx: RegistryWriter) => Promise<T>): Promise<T>;
  /** Resolves when the storage answers; for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Human-readable location, for logs (never contains a password). */
  readonly description: string;
  /**
   * Grows after every write transaction through this object ends, committed or not, so caches
   * over the store know that what they read before may be out of date.
   */
  readonly generation: number;
  /** Whether other processes may write the same data (PostgreSQL); their writes do not move `generation`. */
  readonly shared: boolean;
}
