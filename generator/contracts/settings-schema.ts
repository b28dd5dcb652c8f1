import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
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

const ajv = new Ajv({ allErrors: true, strict: true });
const validators: Record<'herald' | 'domain', ValidateFunction> = {
  herald: ajv.compile(HERALD_JSON_SCHEMA),
  domain: ajv.compile(DOMAIN_JSON_SCHEMA),
};

/** Validates a settings file, reporting each problem at its own pointer; returns whether it is usable. */
export function validateSettings(
  kind: 'herald' | 'domain',
  source: JsonSource,
  diagnostics: Diagnostics,
  rule: LintRuleId,
  compatibilityKey: 'compatibility' | 'defaultCompatibility',
): boolean {
  const validate = validators[kind];
  let ok = true;
  if (!validate(source.value)) {
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
