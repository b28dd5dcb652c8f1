/**
 * Confluent Schema Registry semantics, independent of HTTP and of storage: which version is
 * latest, what soft deletes hide, how config and mode fall back, when a registration is
 * idempotent, refused or incompatible. Failures are RegistryErrors carrying Confluent codes.
 */
import { isCompatibilityLevel, type CompatibilityLevel } from '../compat/levels.js';
import { CachingReader, PreparedSchemaCache, type ReadCacheOptions } from './cache.js';
import { checkAgainstHistory, loadDefaultChecker, type CompatibilityChecker, type HistoricVersion } from './compatibility.js';
import { errors, RegistryError } from './errors.js';
import {
  DEFAULT_COMPATIBILITY,
  DEFAULT_MODE,
  GLOBAL_SCOPE,
  isRegistryMode,
  type CompatibilityCheckResponse,
  type ConfigUpdate,
  type JsonObject,
  type JsonValue,
  type RegisterSchemaRequest,
  type RegisterSchemaResponse,
  type RegistryConfig,
  type RegistryMode,
  type SchemaById,
  type SchemaReference,
  type SubjectSchema,
  type SubjectVersion,
} from './model.js';
import { comparableSchema, parseSchemaType, type PreparedSchema, type ResolvedReference } from './schema-text.js';
import type { RegistryReader, RegistryStore, StoredSchema, StoredVersion } from './store/store.js';

/** `latest` (or -1), or a version number in 1…2^31-1. */
export type VersionId = number | 'latest';

export interface Page {
  offset?: number;
  /** -1 or absent: everything. */
  limit?: number;
}

const MAX_VERSION = 2 ** 31 - 1;
const MAX_REFERENCE_DEPTH = 32;

/** Parses a path's version id as Confluent's VersionId does (42202 otherwise). */
export function parseVersionId(raw: string): VersionId {
  if (raw.toLowerCase() === 'latest' || raw === '-1') return 'latest';
  if (!/^\d+$/.test(raw)) throw errors.invalidVersion(raw);
  const n = Number(raw);
  if (n < 1 || n > MAX_VERSION) throw errors.invalidVersion(raw);
  return n;
}

function page<T>(items: T[], { offset = 0, limit = -1 }: Page): T[] {
  const start = Math.max(0, offset);
  return limit !== undefined && limit >= 0 ? items.slice(start, start + limit) : items.slice(start);
}

/**
 * `:.:name` names the default context explicitly; herald has only that one. A NUL can never be in
 * a stored subject (writes refuse control characters) nor in PostgreSQL text, so it is refused
 * here for reads too, rather than reaching the store as an encoding error.
 */
function canonicalSubject(subject: string): string {
  if (subject.includes('\u0000')) throw errors.invalidSubject(subject.replace(/\u0000/g, '\\0'), 'it contains a NUL character');
  return subject.startsWith(':.:') ? subject.slice(3) : subject;
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function writableSubject(raw: string): string {
  const subject = canonicalSubject(raw);
  if (subject === '' || subject === GLOBAL_SCOPE || subject === '__EMPTY' || CONTROL.test(subject)) throw errors.invalidSubject(raw);
  if (/^:\.[^:]*:/.test(subject)) throw errors.invalidSubject(raw, 'schema contexts other than the default are not supported');
  return subject;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** Reads a RegisterSchemaRequest body; unknown properties are ignored, as Confluent ignores them. */
function readRequest(body: unknown): RegisterSchemaRequest {
  if (body === undefined || body === null) return {};
  if (!isObject(body)) throw errors.invalidSchema('request: the body must be a JSON object');
  const request: RegisterSchemaRequest = {};
  const { schema, schemaType, references, metadata, ruleSet, id, version } = body;
  if (schema !== undefined && schema !== null) {
    if (typeof schema !== 'string') throw errors.invalidSchema('request: "schema" must be the schema as a string');
    request.schema = schema;
  }
  if (schemaType !== undefined && schemaType !== null) {
    if (typeof schemaType !== 'string') throw errors.invalidSchemaType(JSON.stringify(schemaType));
    request.schemaType = schemaType;
  }
  if (references !== undefined && references !== null) {
    if (!Array.isArray(references)) throw errors.invalidSchema('request: "references" must be an array');
    request.references = references.map((ref, i) => {
      if (!isObject(ref) || typeof ref['name'] !== 'string' || typeof ref['subject'] !== 'string' || !isInteger(ref['version'])) {
        throw errors.invalidSchema(`request: references[${i}] must be {name: string, subject: string, version: integer}`);
      }
      return { name: ref['name'], subject: ref['subject'], version: ref['version'] };
    });
  }
  if (metadata !== undefined && metadata !== null) {
    if (!isObject(metadata)) throw errors.invalidSchema('request: "metadata" must be an object');
    request.metadata = metadata as JsonObject;
  }
  if (ruleSet !== undefined && ruleSet !== null) {
    if (!isObject(ruleSet)) throw new RegistryError(42210, 'Invalid rule set: "ruleSet" must be an object');
    request.ruleSet = ruleSet as JsonObject;
  }
  if (id !== undefined && id !== null) {
    if (!isInteger(id)) throw errors.invalidSchema('request: "id" must be an integer');
    request.id = id;
  }
  if (version !== undefined && version !== null) {
    if (!isInteger(version)) throw errors.invalidSchema('request: "version" must be an integer');
    request.version = version;
  }
  return request;
}

function nonEmptyReferences(references: SchemaReference[]): { references?: SchemaReference[] } {
  return references.length > 0 ? { references } : {};
}

function subjectSchemaView(schema: StoredSchema, version: StoredVersion): SubjectSchema {
  return {
    subject: version.subject,
    version: version.version,
    id: schema.id,
    guid: schema.guid,
    schemaType: schema.schemaType,
    schema: schema.schema,
    ...nonEmptyReferences(schema.references),
    ...(schema.metadata ? { metadata: schema.metadata } : {}),
    ...(schema.ruleSet ? { ruleSet: schema.ruleSet } : {}),
    ...(version.deleted ? { deleted: true } : {}),
  };
}

function schemaByIdView(schema: StoredSchema): SchemaById {
  return {
    schema: schema.schema,
    schemaType: schema.schemaType,
    ...nonEmptyReferences(schema.references),
    guid: schema.guid,
    ...(schema.metadata ? { metadata: schema.metadata } : {}),
    ...(schema.ruleSet ? { ruleSet: schema.ruleSet } : {}),
  };
}

const READ_ONLY_MODES: readonly RegistryMode[] = ['READONLY', 'READONLY_OVERRIDE'];

export interface RegistryServiceOptions {
  /** Where verdicts come from; the default loads `generator/compat/check.ts` on first use. */
  loadChecker?: () => Promise<CompatibilityChecker>;
  /** How the hot read paths cache (see cache.ts); the TTL only matters on a shared store. */
  cache?: ReadCacheOptions;
}

export class RegistryService {
  private readonly loadChecker: () => Promise<CompatibilityChecker>;
  /**
   * For reads outside write transactions on the hot paths: schemas by id, and the "already
   * registered" shortcut of register and lookup. Everything a write decides is read in its
   * transaction, straight from the store.
   */
  private readonly reads: CachingReader;
  private readonly prepared = new PreparedSchemaCache();

  constructor(
    private readonly store: RegistryStore,
    options: RegistryServiceOptions = {},
  ) {
    this.loadChecker = options.loadChecker ?? loadDefaultChecker;
    this.reads = new CachingReader(store, options.cache);
  }

  // ---- schemas by id ----

  private async visibleSchema(id: number): Promise<{ schema: StoredSchema; holders: StoredVersion[] }> {
    const schema = await this.reads.schemaById(id);
    // A schema stays readable by id while any version, even a soft-deleted one, holds it.
    const holders = schema ? await this.reads.versionsOfSchema(id, { includeDeleted: true }) : [];
    if (!schema || holders.length === 0) throw errors.schemaNotFound(id);
    return { schema, holders };
  }

  async schemaById(id: number, options: { subject?: string; fetchMaxId?: boolean } = {}): Promise<SchemaById> {
    const { schema, holders } = await this.visibleSchema(id);
    const view = schemaByIdView(schema);
    // `subject` is a context hint, never a filter; it only adds where this subject holds the id.
    if (options.subject) {
      const subject = canonicalSubject(options.subject);
      const held = holders.filter((v) => v.subject === subject);
      const best = held.find((v) => !v.deleted) ?? held.at(-1);
      if (best) Object.assign(view, { subject: best.subject, version: best.version });
    }
    if (options.fetchMaxId) view.maxId = await this.store.maxSchemaId();
    return view;
  }

  async schemaByGuid(guid: string): Promise<SchemaById> {
    const schema = await this.store.schemaByGuid(guid.toLowerCase());
    if (!schema) throw errors.schemaNotFound();
    return this.schemaById(schema.id);
  }

  async idsOfGuid(guid: string): Promise<{ context: string; id: number }[]> {
    const schema = await this.store.schemaByGuid(guid.toLowerCase());
    if (!schema) return [];
    const holders = await this.store.versionsOfSchema(schema.id, { includeDeleted: true });
    return holders.length > 0 ? [{ context: '.', id: schema.id }] : [];
  }

  async subjectsOfSchema(id: number, options: { deleted?: boolean; subject?: string } & Page = {}): Promise<string[]> {
    const { holders } = await this.visibleSchema(id);
    const subjects = [...new Set(holders.filter((v) => options.deleted || !v.deleted).map((v) => v.subject))];
    return page(subjects, options);
  }

  async versionsOfSchema(id: number, options: { deleted?: boolean; subject?: string } & Page = {}): Promise<SubjectVersion[]> {
    const { holders } = await this.visibleSchema(id);
    const visible = holders.filter((v) => options.deleted || !v.deleted).map(({ subject, version }) => ({ subject, version }));
    return page(visible, options);
  }

  async listSchemas(options: { subjectPrefix?: string; deleted?: boolean; latestOnly?: boolean } & Page = {}): Promise<SubjectSchema[]> {
    const prefix = options.subjectPrefix && options.subjectPrefix !== ':*:' ? canonicalSubject(options.subjectPrefix) : undefined;
    let rows = await this.store.allVersions({ includeDeleted: options.deleted ?? false, ...(prefix ? { subjectPrefix: prefix } : {}) });
    if (options.latestOnly) rows = rows.filter((v, i) => rows[i + 1]?.subject !== v.subject);
    rows = page(rows, options);
    const cache = new Map<number, StoredSchema | undefined>();
    const views: SubjectSchema[] = [];
    for (const row of rows) {
      if (!cache.has(row.schemaId)) cache.set(row.schemaId, await this.store.schemaById(row.schemaId));
      const schema = cache.get(row.schemaId);
      if (schema) views.push(subjectSchemaView(schema, row));
    }
    return views;
  }

  // ---- subjects and versions ----

  async listSubjects(options: { subjectPrefix?: string; deleted?: boolean; deletedOnly?: boolean } & Page = {}): Promise<string[]> {
    const prefix = options.subjectPrefix && options.subjectPrefix !== ':*:' ? canonicalSubject(options.subjectPrefix) : undefined;
    const rows = await this.store.allVersions({ includeDeleted: true, ...(prefix ? { subjectPrefix: prefix } : {}) });
    const live = new Map<string, boolean>();
    for (const row of rows) live.set(row.subject, (live.get(row.subject) ?? false) || !row.deleted);
    const subjects = [...live].filter(([, hasLive]) => (options.deletedOnly ? !hasLive : options.deleted ? true : hasLive)).map(([s]) => s);
    return page(subjects, options);
  }

  async listVersions(rawSubject: string, options: { deleted?: boolean; deletedOnly?: boolean; deletedAsNegative?: boolean } & Page = {}): Promise<number[]> {
    const subject = canonicalSubject(rawSubject);
    const all = await this.store.versions(subject, { includeDeleted: true });
    const live = all.filter((v) => !v.deleted);
    if (all.length === 0 || (live.length === 0 && !options.deleted && !options.deletedOnly)) throw errors.subjectNotFound(subject);
    const chosen = options.deletedOnly ? all.filter((v) => v.deleted) : options.deleted ? all : live;
    return page(
      chosen.map((v) => (options.deletedAsNegative && v.deleted ? -v.version : v.version)),
      options,
    );
  }

  private async findVersion(reader: RegistryReader, subject: string, id: VersionId, deleted: boolean): Promise<StoredVersion> {
    const all = await reader.versions(subject, { includeDeleted: true });
    const visible = deleted ? all : all.filter((v) => !v.deleted);
    if (visible.length === 0) throw errors.subjectNotFound(subject);
    const found = id === 'latest' ? visible.at(-1) : visible.find((v) => v.version === id);
    if (!found) throw errors.versionNotFound(id === 'latest' ? 'latest' : id);
    return found;
  }

  private async schemaOf(reader: RegistryReader, version: StoredVersion): Promise<StoredSchema> {
    const schema = await reader.schemaById(version.schemaId);
    if (!schema) throw errors.store(`schema ${version.schemaId} of ${version.subject} version ${version.version} is missing`);
    return schema;
  }

  async getVersion(rawSubject: string, id: VersionId, options: { deleted?: boolean } = {}): Promise<SubjectSchema> {
    const subject = canonicalSubject(rawSubject);
    const version = await this.findVersion(this.store, subject, id, options.deleted ?? false);
    return subjectSchemaView(await this.schemaOf(this.store, version), version);
  }

  async referencedBy(rawSubject: string, id: VersionId, options: { deleted?: boolean } & Page = {}): Promise<number[]> {
    const subject = canonicalSubject(rawSubject);
    const version = await this.findVersion(this.store, subject, id, options.deleted ?? false);
    const referrers = await this.store.referrers(subject, version.version);
    const ids = [...new Set(referrers.filter((r) => options.deleted || !r.deleted).map((r) => r.schemaId))];
    return page(ids, options);
  }

  async latestWithMetadata(rawSubject: string, properties: Record<string, string>, options: { deleted?: boolean } = {}): Promise<SubjectSchema> {
    const subject = canonicalSubject(rawSubject);
    const all = await this.store.versions(subject, { includeDeleted: options.deleted ?? false });
    if (all.length === 0) throw errors.subjectNotFound(subject);
    for (const version of [...all].reverse()) {
      const schema = await this.schemaOf(this.store, version);
      const props = schema.metadata?.['properties'];
      const matches = Object.entries(properties).every(([k, v]) => isObject(props) && props[k] === v);
      if (matches) return subjectSchemaView(schema, version);
    }
    throw errors.schemaNotFound();
  }

  // ---- registration and lookup ----

  private async resolveReferences(reader: RegistryReader, references: readonly SchemaReference[], depth = 0): Promise<ResolvedReference[]> {
    if (depth > MAX_REFERENCE_DEPTH) throw errors.invalidSchema('references nest too deeply');
    const resolved: ResolvedReference[] = [];
    for (const ref of references) {
      const subject = canonicalSubject(ref.subject);
      const all = await reader.versions(subject, { includeDeleted: true });
      // Readers of a soft-deleted version still resolve its references, so they stay resolvable here too.
      const target = ref.version === -1 ? all.filter((v) => !v.deleted).at(-1) : all.find((v) => v.version === ref.version);
      if (!target) throw errors.invalidSchema(`reference ${ref.name}: subject '${ref.subject}' version ${ref.version} not found`);
      const schema = await this.schemaOf(reader, target);
      resolved.push({
        name: ref.name,
        subject: ref.subject,
        version: target.version,
        schemaType: schema.schemaType,
        schema: schema.schema,
        references: await this.resolveReferences(reader, schema.references, depth + 1),
      });
    }
    return resolved;
  }

  private async effectiveConfig(reader: RegistryReader, subject: string): Promise<{ level: CompatibilityLevel; normalize: boolean }> {
    const own = await reader.config(subject);
    const global = await reader.config(GLOBAL_SCOPE);
    return {
      level: own?.compatibilityLevel ?? global?.compatibilityLevel ?? DEFAULT_COMPATIBILITY,
      normalize: own?.normalize ?? global?.normalize ?? false,
    };
  }

  private async effectiveMode(reader: RegistryReader, subject: string): Promise<RegistryMode> {
    return (await reader.mode(subject)) ?? (await reader.mode(GLOBAL_SCOPE)) ?? DEFAULT_MODE;
  }

  /** Parses and canonicalises a request's schema; with no schema text, the subject's latest one is reused (metadata-only update). */
  private async prepare(reader: RegistryReader, subject: string, request: RegisterSchemaRequest, normalize: boolean, reuseLatest: boolean): Promise<PreparedSchema> {
    if (!request.schema) {
      const latest = reuseLatest ? (await reader.versions(subject, { includeDeleted: false })).at(-1) : undefined;
      if (!latest) throw errors.emptySchema();
      const previous = await this.schemaOf(reader, latest);
      const metadata = request.metadata ?? previous.metadata;
      const ruleSet = request.ruleSet ?? previous.ruleSet;
      return this.prepared.prepare(
        {
          schemaType: previous.schemaType,
          schema: previous.schema,
          references: await this.resolveReferences(reader, previous.references),
          ...(metadata ? { metadata } : {}),
          ...(ruleSet ? { ruleSet } : {}),
        },
        normalize,
      );
    }
    const schemaType = parseSchemaType(request.schemaType);
    const references = await this.resolveReferences(reader, request.references ?? []);
    return this.prepared.prepare(
      {
        schemaType,
        schema: request.schema,
        references,
        ...(request.metadata ? { metadata: request.metadata } : {}),
        ...(request.ruleSet ? { ruleSet: request.ruleSet } : {}),
      },
      normalize,
    );
  }

  private async liveMatch(reader: RegistryReader, subject: string, fingerprint: string): Promise<{ schema: StoredSchema; version: StoredVersion } | undefined> {
    const schema = await reader.schemaByFingerprint(fingerprint);
    if (!schema) return undefined;
    const version = (await reader.versions(subject, { includeDeleted: false })).find((v) => v.schemaId === schema.id);
    return version ? { schema, version } : undefined;
  }

  private registered(schema: StoredSchema, version: StoredVersion): RegisterSchemaResponse {
    return {
      id: schema.id,
      version: version.version,
      guid: schema.guid,
      schemaType: schema.schemaType,
      schema: schema.schema,
      ...nonEmptyReferences(schema.references),
    };
  }

  private async history(reader: RegistryReader, versions: readonly StoredVersion[]): Promise<HistoricVersion[]> {
    const history: HistoricVersion[] = [];
    for (const version of versions) {
      const schema = await this.schemaOf(reader, version);
      const references = await this.resolveReferences(reader, schema.references);
      history.push({
        version: version.version,
        schemaType: schema.schemaType,
        text: schema.schema,
        schema: comparableSchema(schema.schemaType, schema.schema, references),
      });
    }
    return history;
  }

  private async candidate(reader: RegistryReader, prepared: PreparedSchema): Promise<{ schemaType: PreparedSchema['schemaType']; schema: unknown }> {
    const references = await this.resolveReferences(reader, prepared.references);
    return { schemaType: prepared.schemaType, schema: comparableSchema(prepared.schemaType, prepared.schema, references) };
  }

  /**
   * Confluent's register steps: an identical live version wins (even in READONLY mode), then the
   * mode gate, then compatibility against the live versions the level selects, then the write.
   */
  async register(rawSubject: string, body: unknown, options: { normalize?: boolean; force?: boolean } = {}): Promise<RegisterSchemaResponse> {
    const subject = writableSubject(rawSubject);
    const request = readRequest(body);
    const config = await this.effectiveConfig(this.reads, subject);
    const prepared = await this.prepare(this.store, subject, request, options.normalize || config.normalize, true);
    const quick = await this.liveMatch(this.reads, subject, prepared.fingerprint);
    if (quick) return this.registered(quick.schema, quick.version);
    return this.store.transaction(async (tx) => {
      await tx.lockSubject(subject);
      const match = await this.liveMatch(tx, subject, prepared.fingerprint);
      if (match) return this.registered(match.schema, match.version);
      const mode = await this.effectiveMode(tx, subject);
      const importing = request.id !== undefined && request.id >= 0;
      if (READ_ONLY_MODES.includes(mode)) throw errors.notPermitted(`Subject ${subject} is in read-only mode`);
      if (importing && mode !== 'IMPORT') throw errors.notPermitted(`Subject ${subject} is not in import mode`);
      if (!importing && mode === 'IMPORT') throw errors.notPermitted(`Subject ${subject} is not in read-write mode`);
      const all = await tx.versions(subject, { includeDeleted: true });
      const live = all.filter((v) => !v.deleted);
      // Soft-deleted numbers are never reused; only a permanent delete frees them.
      const next = (all.at(-1)?.version ?? 0) + 1;
      let version = next;
      if (importing) {
        if (request.version !== undefined && request.version > 0) {
          if (all.some((v) => v.version === request.version)) {
            throw errors.notPermitted(`Version ${request.version} of subject ${subject} already exists; importing over it is not permitted`);
          }
          version = request.version;
        }
      } else {
        if (request.version !== undefined && request.version > 0 && request.version !== next) {
          throw errors.invalidSchema(`version ${request.version}: the next version of subject ${subject} is ${next}`);
        }
        if (!options.force) {
          const { level } = await this.effectiveConfig(tx, subject);
          const verdict = await checkAgainstHistory(this.loadChecker, await this.candidate(tx, prepared), await this.history(tx, live), level);
          if (!verdict.compatible) throw errors.incompatible(subject, verdict.messages);
        }
      }
      const placed = await tx.insertSchema(prepared, importing ? request.id : undefined);
      if (!placed.ok) {
        if (placed.reason === 'id-taken') throw errors.notPermitted(`Overwrite new schema with id ${placed.id} is not permitted.`);
        throw errors.idDoesNotMatch(request.id ?? -1, placed.id);
      }
      const stored: StoredVersion = { subject, version, schemaId: placed.id, deleted: false };
      await tx.insertVersion(stored);
      // A soft-deleted earlier version of this very schema is superseded; drop it unless something refers to it.
      for (const old of all) {
        if (!old.deleted || old.schemaId !== placed.id) continue;
        const referrers = (await tx.referrers(subject, old.version)).filter((r) => r.subject !== subject);
        if (referrers.length === 0) await tx.deletePermanently(subject, [old.version]);
      }
      const schema = await tx.schemaById(placed.id);
      if (!schema) throw errors.store(`schema ${placed.id} vanished while registering`);
      return this.registered(schema, stored);
    });
  }

  async lookup(rawSubject: string, body: unknown, options: { normalize?: boolean; deleted?: boolean } = {}): Promise<SubjectSchema> {
    const subject = canonicalSubject(rawSubject);
    const request = readRequest(body);
    const config = await this.effectiveConfig(this.reads, subject);
    const prepared = await this.prepare(this.store, subject, request, options.normalize || config.normalize, false);
    const all = await this.reads.versions(subject, { includeDeleted: true });
    const visible = options.deleted ? all : all.filter((v) => !v.deleted);
    if (visible.length === 0) throw errors.subjectNotFound(subject);
    const schema = await this.reads.schemaByFingerprint(prepared.fingerprint);
    const held = schema ? visible.filter((v) => v.schemaId === schema.id) : [];
    const version = held.find((v) => !v.deleted) ?? held.at(-1);
    if (!schema || !version) throw errors.schemaNotFound();
    return subjectSchemaView(schema, version);
  }

  // ---- compatibility ----

  /** `version` 'all' checks against every live version the level selects; a number or latest against that one. */
  async testCompatibility(
    rawSubject: string,
    version: VersionId | 'all',
    body: unknown,
    options: { normalize?: boolean; verbose?: boolean } = {},
  ): Promise<CompatibilityCheckResponse> {
    const subject = canonicalSubject(rawSubject);
    const answer = (compatible: boolean, messages: string[]): CompatibilityCheckResponse =>
      options.verbose ? { is_compatible: compatible, messages } : { is_compatible: compatible };
    const live = await this.store.versions(subject, { includeDeleted: false });
    let targets: StoredVersion[];
    if (version === 'all') targets = live;
    else if (version === 'latest') targets = live.slice(-1);
    else {
      const found = live.find((v) => v.version === version);
      if (!found) throw errors.versionNotFound(version);
      targets = [found];
    }
    const request = readRequest(body);
    const config = await this.effectiveConfig(this.store, subject);
    let prepared: PreparedSchema;
    try {
      prepared = await this.prepare(this.store, subject, request, options.normalize || config.normalize, false);
    } catch (error) {
      // Verbose callers get the parse failure as a verdict, as Confluent reports it.
      if (options.verbose && error instanceof RegistryError && error.errorCode === 42201) return answer(false, [error.message]);
      throw error;
    }
    if (targets.length === 0) return answer(true, []);
    const verdict = await checkAgainstHistory(this.loadChecker, await this.candidate(this.store, prepared), await this.history(this.store, targets), config.level);
    return answer(verdict.compatible, verdict.messages);
  }

  // ---- deletes ----

  private async assertWritable(reader: RegistryReader, subject: string): Promise<void> {
    const mode = await this.effectiveMode(reader, subject);
    if (READ_ONLY_MODES.includes(mode)) throw errors.notPermitted(`Subject ${subject} is in read-only mode`);
  }

  /** Refuses to delete a version another subject's schema refers to; `permanent` counts soft-deleted referrers too. */
  private async assertUnreferenced(reader: RegistryReader, subject: string, version: number, permanent: boolean): Promise<void> {
    const referrers = (await reader.referrers(subject, version)).filter((r) => r.subject !== subject && (permanent || !r.deleted));
    if (referrers.length > 0) throw errors.referenceExists(subject, version, [...new Set(referrers.map((r) => r.schemaId))]);
  }

  async deleteSubject(rawSubject: string, options: { permanent?: boolean } = {}): Promise<number[]> {
    const subject = canonicalSubject(rawSubject);
    return this.store.transaction(async (tx) => {
      await tx.lockSubject(subject);
      await this.assertWritable(tx, subject);
      const all = await tx.versions(subject, { includeDeleted: true });
      if (all.length === 0) throw errors.subjectNotFound(subject);
      const live = all.filter((v) => !v.deleted);
      if (!options.permanent) {
        if (live.length === 0) throw errors.subjectSoftDeleted(subject);
        for (const v of live) await this.assertUnreferenced(tx, subject, v.version, false);
        await tx.markDeleted(subject, live.map((v) => v.version));
        return live.map((v) => v.version);
      }
      if (live.length > 0) throw errors.subjectNotSoftDeleted(subject);
      for (const v of all) await this.assertUnreferenced(tx, subject, v.version, true);
      await tx.deletePermanently(subject, all.map((v) => v.version));
      await tx.deleteConfig(subject);
      await tx.deleteMode(subject);
      return all.map((v) => v.version);
    });
  }

  async deleteVersion(rawSubject: string, id: VersionId, options: { permanent?: boolean } = {}): Promise<number> {
    const subject = canonicalSubject(rawSubject);
    return this.store.transaction(async (tx) => {
      await tx.lockSubject(subject);
      await this.assertWritable(tx, subject);
      const all = await tx.versions(subject, { includeDeleted: true });
      if (all.length === 0) throw errors.subjectNotFound(subject);
      const target =
        id === 'latest' ? (options.permanent ? all : all.filter((v) => !v.deleted)).at(-1) : all.find((v) => v.version === id);
      if (!target) throw errors.versionNotFound(id);
      if (!options.permanent && target.deleted) throw errors.versionSoftDeleted(subject, target.version);
      if (options.permanent && !target.deleted) throw errors.versionNotSoftDeleted(subject, target.version);
      await this.assertUnreferenced(tx, subject, target.version, options.permanent ?? false);
      if (options.permanent) await tx.deletePermanently(subject, [target.version]);
      else await tx.markDeleted(subject, [target.version]);
      return target.version;
    });
  }

  // ---- config ----

  async getConfig(rawSubject: string | undefined, options: { defaultToGlobal?: boolean } = {}): Promise<RegistryConfig> {
    const global = (await this.store.config(GLOBAL_SCOPE)) ?? {};
    const globalView: RegistryConfig = { ...global, compatibilityLevel: global.compatibilityLevel ?? DEFAULT_COMPATIBILITY };
    if (rawSubject === undefined) return globalView;
    const subject = canonicalSubject(rawSubject);
    const own = await this.store.config(subject);
    if (own) return own.compatibilityLevel || !options.defaultToGlobal ? own : { ...own, compatibilityLevel: globalView.compatibilityLevel! };
    if (options.defaultToGlobal) return globalView;
    // kafkajs registers only after this 404: it reads a 200 as "the subject has its own level".
    throw errors.subjectConfigNotFound(subject);
  }

  async setConfig(rawSubject: string | undefined, body: unknown): Promise<ConfigUpdate> {
    const scope = rawSubject === undefined ? GLOBAL_SCOPE : writableSubject(rawSubject);
    if (!isObject(body)) throw errors.unprocessable('The config must be a JSON object');
    const update = readConfigUpdate(body);
    await this.store.transaction(async (tx) => {
      const old = (await tx.config(scope)) ?? {};
      const { compatibility, ...options } = update;
      const merged: RegistryConfig = { ...old, ...options, ...(compatibility ? { compatibilityLevel: compatibility } : {}) };
      await tx.setConfig(scope, merged);
    });
    return update;
  }

  async deleteConfig(rawSubject: string | undefined): Promise<RegistryConfig> {
    if (rawSubject === undefined) {
      return this.store.transaction(async (tx) => {
        const old = await tx.config(GLOBAL_SCOPE);
        await tx.deleteConfig(GLOBAL_SCOPE);
        return { ...old, compatibilityLevel: old?.compatibilityLevel ?? DEFAULT_COMPATIBILITY };
      });
    }
    const subject = canonicalSubject(rawSubject);
    return this.store.transaction(async (tx) => {
      const old = await tx.config(subject);
      if (!old) throw errors.subjectNotFound(subject);
      await tx.deleteConfig(subject);
      return old;
    });
  }

  // ---- mode ----

  async getMode(rawSubject: string | undefined, options: { defaultToGlobal?: boolean } = {}): Promise<{ mode: RegistryMode }> {
    const global = (await this.store.mode(GLOBAL_SCOPE)) ?? DEFAULT_MODE;
    if (rawSubject === undefined) return { mode: global };
    const subject = canonicalSubject(rawSubject);
    const own = await this.store.mode(subject);
    if (own) return { mode: own };
    if (options.defaultToGlobal) return { mode: global };
    throw errors.subjectModeNotFound(subject);
  }

  async setMode(rawSubject: string | undefined, body: unknown, options: { force?: boolean } = {}): Promise<{ mode: RegistryMode }> {
    const scope = rawSubject === undefined ? GLOBAL_SCOPE : writableSubject(rawSubject);
    const requested = isObject(body) ? body['mode'] : undefined;
    const mode = typeof requested === 'string' ? requested.toUpperCase() : requested;
    if (!isRegistryMode(mode)) throw errors.invalidMode();
    await this.store.transaction(async (tx) => {
      if (mode === 'IMPORT' && !options.force) {
        const live =
          scope === GLOBAL_SCOPE
            ? await tx.allVersions({ includeDeleted: false })
            : await tx.versions(scope, { includeDeleted: false });
        if (live.length > 0) throw errors.notPermitted('Cannot import since found existing subjects');
      }
      await tx.setMode(scope, mode);
    });
    return { mode };
  }

  async deleteMode(rawSubject: string | undefined, options: { recursive?: boolean } = {}): Promise<{ mode: RegistryMode }> {
    return this.store.transaction(async (tx) => {
      if (rawSubject === undefined) {
        const old = (await tx.mode(GLOBAL_SCOPE)) ?? DEFAULT_MODE;
        if (options.recursive) await tx.deleteAllModes();
        else await tx.deleteMode(GLOBAL_SCOPE);
        return { mode: old };
      }
      const subject = canonicalSubject(rawSubject);
      const old = await tx.mode(subject);
      if (!old) throw errors.subjectNotFound(subject);
      await tx.deleteMode(subject);
      return { mode: old };
    });
  }

  // ---- registry ----

  registryId(): Promise<string> {
    return this.store.registryId();
  }

  ping(): Promise<void> {
    return this.store.ping();
  }
}

const CONFIG_BOOLEANS = ['normalize', 'validateFields'] as const;
const CONFIG_STRINGS = ['compatibilityGroup', 'alias'] as const;
const CONFIG_OBJECTS = ['defaultMetadata', 'overrideMetadata', 'defaultRuleSet', 'overrideRuleSet'] as const;

/** A ConfigUpdateRequest: `compatibility` (or, leniently, `compatibilityLevel`) plus the optional fields. */
function readConfigUpdate(body: Record<string, unknown>): ConfigUpdate {
  const update: ConfigUpdate = {};
  const level = body['compatibility'] ?? body['compatibilityLevel'];
  if (level !== undefined && level !== null) {
    const upper = typeof level === 'string' ? level.toUpperCase() : level;
    if (!isCompatibilityLevel(upper)) throw errors.invalidCompatibilityLevel();
    update.compatibility = upper;
  }
  for (const key of CONFIG_BOOLEANS) {
    const value = body[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'boolean') throw errors.unprocessable(`"${key}" must be a boolean`);
    update[key] = value;
  }
  for (const key of CONFIG_STRINGS) {
    const value = body[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw errors.unprocessable(`"${key}" must be a string`);
    update[key] = value;
  }
  for (const key of CONFIG_OBJECTS) {
    const value = body[key];
    if (value === undefined || value === null) continue;
    if (!isObject(value)) throw new RegistryError(key.endsWith('RuleSet') ? 42210 : 422, `"${key}" must be an object`);
    update[key] = value as { [k: string]: JsonValue };
  }
  return update;
}

