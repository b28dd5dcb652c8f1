import type { CompatibilityLevel } from './levels.js';

export type SchemaFormat = 'avro' | 'json';

/** Confluent's JSON Schema policy: LENIENT accepts a few open-model changes that STRICT refuses. */
export type JsonCompatibilityPolicy = 'STRICT' | 'LENIENT';

/** One incompatibility found by a rule. `path` is a JSON pointer into the schema it concerns. */
export interface Incompatibility {
  /** Stable rule id, e.g. `READER_FIELD_MISSING_DEFAULT_VALUE` or `TYPE_CHANGED`. */
  rule: string;
  path: string;
  /** One line in plain words: which versions, what changed, who breaks. */
  message: string;
}

export interface CompatibilityResult {
  compatible: boolean;
  messages: Incompatibility[];
}

export interface CompatibilityRequest {
  format: SchemaFormat;
  level: CompatibilityLevel;
  /** The candidate schema (parsed JSON value). */
  schema: unknown;
  /** Earlier versions, oldest first. */
  previous: unknown[];
  /** Labels used in messages, e.g. `ProjectCreated.v3` and `['ProjectCreated.v1', 'ProjectCreated.v2']`. */
  labels?: { schema: string; previous: string[] };
  jsonPolicy?: JsonCompatibilityPolicy;
}
