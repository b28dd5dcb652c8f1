/**
 * Caches for the hot paths (a schema by id, a register or lookup of a schema a subject already
 * has), so that they answer without a database round trip and without parsing the schema again.
 *
 * CachingReader is a caching view of a registry store:
 * - Schema rows never change and their ids are never reused, so a schema found by id or by
 *   fingerprint stays right forever; only the memory it takes is bounded.
 * - Versions and configs do change. Every entry is dropped as soon as a write transaction
 *   through the same store object ends (the store's generation), so a process always reads its
 *   own writes. Other processes' writes to a shared store (PostgreSQL) cannot be seen that way,
 *   so there an entry is also trusted only for `ttlMs` after the read that produced it began.
 *
 * Cached values are shared between callers; the service never mutates what a reader returns.
 */
import type { RegistryConfig, RegistryMode } from './model.js';
import { prepareSchema, type PrepareInput, type PreparedSchema } from './schema-text.js';
import type { RegistryReader, RegistryStore, StoredSchema, StoredVersion, VersionFilter } from './store/store.js';

export interface ReadCacheOptions {
  /** How long a version or config read from a shared store is reused; 0 turns that off. Default 1000. */
  ttlMs?: number | undefined;
  /** Clock for expiry, replaceable in tests. */
  now?: (() => number) | undefined;
}

export const DEFAULT_CACHE_TTL_MS = 1000;

/** Schema texts may be megabytes each, so schemas are bounded by size rather than count. */
const SCHEMA_BUDGET_CHARS = 32 * 1024 * 1024;
const SCHEMA_OVERHEAD_CHARS = 512;
const CHANGING_ENTRIES = 10_000;

/** A map that forgets its least recently used entries once their total weight exceeds the budget. */
class Lru<K, V> {
  private readonly entries = new Map<K, { value: V; weight: number }>();
  private total = 0;

  constructor(
    private readonly budget: number,
    private readonly weigh: (value: V) => number,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Map iteration follows insertion order, so re-inserting marks the entry as most recent.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    const weight = this.weigh(value);
    if (weight > this.budget) return;
    this.delete(key);
    this.entries.set(key, { value, weight });
    this.total += weight;
    for (const oldest of this.entries.keys()) {
      if (this.total <= this.budget) break;
      this.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  private delete(key: K): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.total -= entry.weight;
  }
}

interface Changing {
  value: unknown;
  /** Epoch milliseconds after which the entry is read again; Infinity on an unshared store. */
  expires: number;
}

const schemaWeight = (schema: StoredSchema): number => schema.schema.length + SCHEMA_OVERHEAD_CHARS;

export class CachingReader implements RegistryReader {
  private readonly byId = new Lru<number, StoredSchema>(SCHEMA_BUDGET_CHARS, schemaWeight);
  private readonly byFingerprint = new Lru<string, StoredSchema>(SCHEMA_BUDGET_CHARS, schemaWeight);
  private readonly changing = new Lru<string, Changing>(CHANGING_ENTRIES, () => 1);
  /** The store generation the entries in `changing` were read at. */
  private generation: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: RegistryStore,
    options: ReadCacheOptions = {},
  ) {
    this.generation = store.generation;
    this.ttlMs = store.shared ? (options.ttlMs ?? DEFAULT_CACHE_TTL_MS) : Number.POSITIVE_INFINITY;
    this.now = options.now ?? Date.now;
  }

  private remember(schema: StoredSchema | undefined): StoredSchema | undefined {
    if (schema) {
      this.byId.set(schema.id, schema);
      this.byFingerprint.set(schema.fingerprint, schema);
    }
    return schema;
  }

  async schemaById(id: number): Promise<StoredSchema | undefined> {
    return this.byId.get(id) ?? this.remember(await this.store.schemaById(id));
  }

  async schemaByFingerprint(fingerprint: string): Promise<StoredSchema | undefined> {
    return this.byFingerprint.get(fingerprint) ?? this.remember(await this.store.schemaByFingerprint(fingerprint));
  }

  schemaByGuid(guid: string): Promise<StoredSchema | undefined> {
    return this.store.schemaByGuid(guid);
  }

  /**
   * `key` must name exactly what `load` reads. A read that overlapped a write transaction of this
   * store is not kept: it may have seen the rows from before the commit.
   */
  private async changingValue<T>(key: string, load: () => Promise<T>): Promise<T> {
    const generation = this.store.generation;
    if (generation !== this.generation) {
      this.changing.clear();
      this.generation = generation;
    }
    const started = this.now();
    const hit = this.changing.get(key);
    if (hit && hit.expires > started) return hit.value as T;
    const value = await load();
    if (this.ttlMs > 0 && this.store.generation === generation) this.changing.set(key, { value, expires: started + this.ttlMs });
    return value;
  }

  versions(subject: string, filter: VersionFilter): Promise<StoredVersion[]> {
    return this.changingValue(`versions:${filter.includeDeleted ? 'all' : 'live'}:${subject}`, () => this.store.versions(subject, filter));
  }

  versionsOfSchema(schemaId: number, filter: VersionFilter): Promise<StoredVersion[]> {
    return this.changingValue(`holders:${filter.includeDeleted ? 'all' : 'live'}:${schemaId}`, () =>
      this.store.versionsOfSchema(schemaId, filter),
    );
  }

  config(scope: string): Promise<RegistryConfig | undefined> {
    return this.changingValue(`config:${scope}`, () => this.store.config(scope));
  }

  mode(scope: string): Promise<RegistryMode | undefined> {
    return this.store.mode(scope);
  }

  allVersions(filter: VersionFilter & { subjectPrefix?: string }): Promise<StoredVersion[]> {
    return this.store.allVersions(filter);
  }

  referrers(subject: string, version: number): Promise<StoredVersion[]> {
    return this.store.referrers(subject, version);
  }

  maxSchemaId(): Promise<number> {
    return this.store.maxSchemaId();
  }

  registryId(): Promise<string> {
    return this.store.registryId();
  }
}

/**
 * Parsing, validating and canonicalising a schema text is a pure function of the request, so
 * its result is kept by request. Not for requests with references: a reference names a subject
 * version, and what that resolves to changes when the version is deleted and registered again.
 */
export class PreparedSchemaCache {
  private readonly entries = new Lru<string, PreparedSchema>(SCHEMA_BUDGET_CHARS, (prepared) => 2 * prepared.schema.length + SCHEMA_OVERHEAD_CHARS);

  prepare(input: PrepareInput, normalize: boolean): PreparedSchema {
    if (input.references.length > 0) return prepareSchema(input, normalize);
    // JSON.stringify escapes control characters, so no part before the schema text holds a NUL and the key is unambiguous.
    const key = [
      input.schemaType,
      String(normalize),
      JSON.stringify(input.metadata ?? null),
      JSON.stringify(input.ruleSet ?? null),
      input.schema,
    ].join('\u0000');
    const hit = this.entries.get(key);
    if (hit) return hit;
    const prepared = prepareSchema(input, normalize);
    this.entries.set(key, prepared);
    return prepared;
  }
}
