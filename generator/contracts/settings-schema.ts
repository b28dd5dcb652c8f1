import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { COMPATIBILITY_LEVELS } from '../compat/levels.js';
import { Diagnostics, type LintRuleId } from './diagnostics.js';
import { joinPointer, type JsonSource } from './json-source.js';
import { SUBJECT_NAME_STRATEGIES } from './model.js';

/** Schemas of herald's own settings files; compatibility levels are checked apart to get their own rule id. */
const HERALD_JSON_SCHEMA = {
  type: 'object',
  properties: {
    $schema: { type: 'string' },
    schemasDir: { type: 'string', minLength: 1 },
    outDir: { type: 'string', minLength: 1 },
    registryUrl: { type: 'string', pattern: '^https?://' },
    subjectNameStrategy: { enum: [...SUBJECT_NAME_STRATEGIES] },
    defaultCompatibility: { type: 'string' },
  },
  additionalProperties: false,
} as const;

const DOMAIN_JSON_SCHEMA = {
  type: 'object',
  required: ['namespace', 'topic', 'key', 'owner'],
  properties: {
    $schema: { type: 'string' },
    namespace: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$' },
    topic: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,249}$' },
    key: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    compatibility: { type: 'string' },
    owner: { type: 'string', minLength: 1 },
    consumers: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
    description: { type: 'string' },
    docs: { type: 'object' },
  },
  additionalProperties: false,
} as const;

const SCHEMAS = { herald: HERALD_JSON_SCHEMA, domain: DOMAIN_JSON_SCHEMA } as const;

let validators: Record<'herald' | 'domain', ValidateFunction> | undefined;

/**
 * ajv is loaded and the schemas compiled only for a file the quick check is not sure of: loading
 * and compiling cost more than every other fixed start-up cost of `herald generate` together.
 */
function ajvValidators(): Record<'herald' | 'domain', ValidateFunction> {
  if (validators) return validators;
  const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  const ajv = new Ajv({ allErrors: true, strict: true });
  validators = { herald: ajv.compile(HERALD_JSON_SCHEMA), domain: ajv.compile(DOMAIN_JSON_SCHEMA) };
  return validators;
}

interface SettingsSchemaNode {
  readonly type?: string;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, SettingsSchemaNode>>;
  readonly additionalProperties?: boolean;
  readonly items?: SettingsSchemaNode;
  readonly uniqueItems?: boolean;
  readonly minLength?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
}

/**
 * The keywords the two settings schemas use, checked by hand. Answers only "certainly valid"
 * (true) or "not sure" (false); ajv then decides and words the problems, so diagnostics are ajv's.
 */
function certainlyValid(schema: SettingsSchemaNode, value: unknown): boolean {
  if (schema.enum && !schema.enum.includes(value as string)) return false;
  switch (schema.type) {
    case undefined:
      return true;
    case 'string':
      return (
        typeof value === 'string' &&
        (schema.minLength === undefined || [...value].length >= schema.minLength) &&
        (schema.pattern === undefined || new RegExp(schema.pattern, 'u').test(value))
      );
    case 'array':
      return (
        Array.isArray(value) &&
        (!schema.items || value.every((item) => certainlyValid(schema.items!, item))) &&
        (!schema.uniqueItems || (value.every((item) => typeof item === 'string') && new Set(value).size === value.length))
      );
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      const object = value as Record<string, unknown>;
      if (schema.required?.some((key) => !Object.hasOwn(object, key))) return false;
      return Object.entries(object).every(([key, item]) => {
        const property = schema.properties && Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
        return property ? certainlyValid(property, item) : schema.additionalProperties !== false;
      });
    }
    default:
      return false;
  }
}

/** Validates a settings file, reporting each problem at its own pointer; returns whether it is usable. */
export function validateSettings(
  kind: 'herald' | 'domain',
  source: JsonSource,
  diagnostics: Diagnostics,
  rule: LintRuleId,
  compatibilityKey: 'compatibility' | 'defaultCompatibility',
): boolean {
  let ok = true;
  const validate = certainlyValid(SCHEMAS[kind], source.value) ? undefined : ajvValidators()[kind];
  if (validate && !validate(source.value)) {
    for (const error of validate.errors ?? []) {
      const pointer = errorPointer(error);
      diagnostics.report(rule, { file: source.file, pointer, ...source.position(pointer) }, describe(error));
    }
    ok = false;
  }
  const level = (source.value as Record<string, unknown> | null)?.[compatibilityKey];
  if (typeof level === 'string' && !(COMPATIBILITY_LEVELS as readonly string[]).includes(level)) {
    const pointer = `/${compatibilityKey}`;
    diagnostics.report(
      'COMPATIBILITY_LEVEL_UNKNOWN',
      { file: source.file, pointer, ...source.position(pointer) },
      `unknown compatibility level "${level}"; expected one of ${COMPATIBILITY_LEVELS.join(', ')}`,
    );
    ok = false;
  }
  return ok;
}

function errorPointer(error: ErrorObject): string {
  if (error.keyword === 'required') {
    return joinPointer(error.instancePath, String(error.params['missingProperty']));
  }
  if (error.keyword === 'additionalProperties') {
    return joinPointer(error.instancePath, String(error.params['additionalProperty']));
  }
  return error.instancePath;
}

function describe(error: ErrorObject): string {
  switch (error.keyword) {
    case 'required':
      return `missing required setting "${String(error.params['missingProperty'])}"`;
    case 'additionalProperties':
      return `unknown setting "${String(error.params['additionalProperty'])}"`;
    case 'enum':
      return `must be one of ${(error.params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return error.message ?? error.keyword;
  }
}
