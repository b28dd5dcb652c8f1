/**
 * Schema strings in, canonical schema text and identity out. Identity (the id a schema gets) is
 * the canonical text plus type, references, metadata and rule set, as in Confluent: whitespace
 * and key order never make a new id, a different reference or rule set always does.
 */
import { createHash } from 'node:crypto';
import { canonicalAvro, inlineAvroReferences, validateAvro, type AvroDependency } from './avro-text.js';
import { errors } from './errors.js';
import { validateJsonSchema, type JsonSchemaDependency } from './json-schema-text.js';
import { JsonSyntaxError, parseLossless, stringifyLossless, toPlain, type LosslessValue } from './lossless-json.js';
import { SUPPORTED_SCHEMA_TYPES, type JsonObject, type SchemaReference, type SchemaType } from './model.js';

/** A reference with the schema it points at, resolved recursively. */
export interface ResolvedReference extends SchemaReference {
  schemaType: SchemaType;
  schema: string;
  references: ResolvedReference[];
}

/** What a schema id stands for. */
export interface SchemaContent {
  schemaType: SchemaType;
  /** Canonical text: what is stored and served. */
  schema: string;
  references: SchemaReference[];
  metadata?: JsonObject;
  ruleSet?: JsonObject;
}

export interface PreparedSchema extends SchemaContent {
  /** Stable identity: equal exactly when two schemas must share an id. */
  fingerprint: string;
  /** Confluent's GUID form of the identity (an MD5-based UUID), for V1 wire-format clients. */
  guid: string;
}

/** `schemaType` of a request: absent means AVRO; PROTOBUF and anything else are refused as Confluent refuses a type with no provider. */
export function parseSchemaType(value: unknown): SchemaType {
  if (value === undefined || value === null) return 'AVRO';
  if (typeof value === 'string' && (SUPPORTED_SCHEMA_TYPES as readonly string[]).includes(value)) return value as SchemaType;
  throw errors.invalidSchemaType(String(value));
}

export interface PrepareInput {
  schemaType: SchemaType;
  schema: string;
  references: ResolvedReference[];
  metadata?: JsonObject | undefined;
  ruleSet?: JsonObject | undefined;
}

/** Parses, validates (42201 on failure) and canonicalises a schema string. */
export function prepareSchema(input: PrepareInput, normalize: boolean): PreparedSchema {
  const parsed = parseText(input.schema);
  let canonical: string;
  if (input.schemaType === 'AVRO') {
    const deps = avroDependencies(input.references);
    const problem = validateAvro(parsed, deps);
    if (problem) throw errors.invalidSchema(`${shorten(input.schema)}, details: ${problem}`);
    canonical = stringifyLossless(canonicalAvro(parsed, deps, normalize));
  } else {
    const problem = validateJsonSchema(toPlain(parsed), jsonDependencies(input.references));
    if (problem) throw errors.invalidSchema(`${shorten(input.schema)}, details: ${problem}`);
    canonical = stringifyLossless(parsed, normalize);
  }
  const content: SchemaContent = {
    schemaType: input.schemaType,
    schema: canonical,
    references: input.references.map(({ name, subject, version }) => ({ name, subject, version })),
    ...(input.metadata !== undefined ? { metadata: input.metadata } : {}),
    ...(input.ruleSet !== undefined ? { ruleSet: input.ruleSet } : {}),
  };
  return { ...content, ...identityOf(content) };
}

export function identityOf(content: SchemaContent): { fingerprint: string; guid: string } {
  const identity = [
    content.schemaType,
    content.schema,
    JSON.stringify(content.references.map((r) => [r.name, r.subject, r.version])),
    content.metadata === undefined ? '' : sortedJson(content.metadata),
    content.ruleSet === undefined ? '' : sortedJson(content.ruleSet),
  ].join('\n');
  const fingerprint = createHash('sha256').update(identity).digest('hex');
  const md5 = createHash('md5').update(identity).digest();
  // Name-based UUID layout (version 3, RFC 4122 variant), as Java's UUID.nameUUIDFromBytes builds it.
  md5[6] = (md5[6]! & 0x0f) | 0x30;
  md5[8] = (md5[8]! & 0x3f) | 0x80;
  const hex = md5.toString('hex');
  const guid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { fingerprint, guid };
}

/**
 * The schema as a plain, self-contained JSON value for the compatibility engines: Avro named
 * types from references are inlined, since the engines compare one schema document with another.
 */
export function comparableSchema(schemaType: SchemaType, schema: string, references: readonly ResolvedReference[]): unknown {
  const parsed = parseText(schema);
  if (references.length === 0) return toPlain(parsed);
  if (schemaType === 'AVRO') return toPlain(inlineAvroReferences(parsed, avroDependencies(references)));
  return bundleJsonReferences(toPlain(parsed), jsonDependencies(references));
}

/**
 * One JSON Schema document holding its references, the standard way to bundle: each referenced
 * schema goes under the root's definitions with `$id` set to its reference name, so a `$ref` by
 * that name (resolved against the root's base) lands on it and its own internal refs keep working.
 */
function bundleJsonReferences(schema: unknown, dependencies: readonly JsonSchemaDependency[]): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const root = { ...(schema as Record<string, unknown>) };
  const dialect = typeof root['$schema'] === 'string' ? root['$schema'] : '';
  const container = /2019-09|2020-12/.test(dialect) ? '$defs' : 'definitions';
  const existing = root[container];
  const defs: Record<string, unknown> = typeof existing === 'object' && existing !== null && !Array.isArray(existing) ? { ...existing } : {};
  const seen = new Set<string>();
  for (const dep of dependencies) {
    if (seen.has(dep.name) || typeof dep.schema !== 'object' || dep.schema === null || Array.isArray(dep.schema)) continue;
    seen.add(dep.name);
    const { $schema: _dialect, ...body } = dep.schema as Record<string, unknown>;
    defs[`__herald_reference_${seen.size}`] = { ...body, $id: dep.name };
  }
  root[container] = defs;
  return root;
}

function parseText(schema: string): LosslessValue {
  try {
    return parseLossless(schema);
  } catch (error) {
    const detail = error instanceof JsonSyntaxError ? error.message : String(error);
    throw errors.invalidSchema(`${shorten(schema)}, details: not valid JSON: ${detail}`);
  }
}

function avroDependencies(references: readonly ResolvedReference[]): AvroDependency[] {
  return references
    .filter((ref) => ref.schemaType === 'AVRO')
    .map((ref) => ({ key: `${ref.subject}\u0000${ref.version}`, schema: parseText(ref.schema), dependencies: avroDependencies(ref.references) }));
}

function jsonDependencies(references: readonly ResolvedReference[], into: JsonSchemaDependency[] = []): JsonSchemaDependency[] {
  for (const ref of references) {
    if (ref.schemaType !== 'JSON') continue;
    into.push({ name: ref.name, schema: toPlain(parseText(ref.schema)) });
    jsonDependencies(ref.references, into);
  }
  return into;
}

function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${sortedJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function shorten(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
