/**
 * The Confluent Schema Registry entities, with Confluent's JSON field names, as herald's registry
 * server answers them and its client reads them.
 */
import type { CompatibilityLevel } from '../compat/levels.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Schema types herald parses. PROTOBUF is a Confluent type herald refuses (42201), as a registry without that provider does. */
export const SUPPORTED_SCHEMA_TYPES = ['AVRO', 'JSON'] as const;
export type SchemaType = (typeof SUPPORTED_SCHEMA_TYPES)[number];

export interface SchemaReference {
  /** What the referring schema calls it: an Avro full name or a JSON Schema `$ref` URL. */
  name: string;
  subject: string;
  version: number;
}

/** Body of register, lookup and compatibility requests (Confluent's RegisterSchemaRequest). */
export interface RegisterSchemaRequest {
  schema?: string;
  schemaType?: string;
  references?: SchemaReference[];
  metadata?: JsonObject;
  ruleSet?: JsonObject;
  /** Only honoured in IMPORT mode. */
  id?: number;
  version?: number;
}

/** A schema as seen through a subject version (Confluent's Schema entity). */
export interface SubjectSchema {
  subject: string;
  version: number;
  id: number;
  guid?: string;
  schemaType: SchemaType;
  schema: string;
  references?: SchemaReference[];
  metadata?: JsonObject;
  ruleSet?: JsonObject;
  deleted?: boolean;
}

/** A schema by id (Confluent's SchemaString entity). */
export interface SchemaById {
  schema: string;
  schemaType: SchemaType;
  references?: SchemaReference[];
  guid?: string;
  subject?: string;
  version?: number;
  metadata?: JsonObject;
  ruleSet?: JsonObject;
  maxId?: number;
}

export interface RegisterSchemaResponse {
  id: number;
  version?: number;
  guid?: string;
  schemaType?: SchemaType;
  schema?: string;
  references?: SchemaReference[];
}

export interface SubjectVersion {
  subject: string;
  version: number;
}

export interface CompatibilityCheckResponse {
  is_compatible: boolean;
  messages?: string[];
}

/** Optional config fields shared by the GET (Config) and PUT (ConfigUpdateRequest) shapes. */
export interface ConfigOptions {
  normalize?: boolean;
  validateFields?: boolean;
  compatibilityGroup?: string;
  defaultMetadata?: JsonObject;
  overrideMetadata?: JsonObject;
  defaultRuleSet?: JsonObject;
  overrideRuleSet?: JsonObject;
  alias?: string;
}

/** `GET /config…` answers `compatibilityLevel`; `PUT /config…` takes and echoes `compatibility`. Clients depend on the difference. */
export interface RegistryConfig extends ConfigOptions {
  compatibilityLevel?: CompatibilityLevel;
}

export interface ConfigUpdate extends ConfigOptions {
  compatibility?: CompatibilityLevel;
}

export const REGISTRY_MODES = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT'] as const;
export type RegistryMode = (typeof REGISTRY_MODES)[number];

export function isRegistryMode(value: unknown): value is RegistryMode {
  return typeof value === 'string' && (REGISTRY_MODES as readonly string[]).includes(value);
}

/** Defaults a registry applies when neither the subject nor the registry has its own setting. */
export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';
export const DEFAULT_MODE: RegistryMode = 'READWRITE';

/** Confluent's key for registry-wide config and mode; it is therefore not a valid subject name. */
export const GLOBAL_SCOPE = '__GLOBAL';
