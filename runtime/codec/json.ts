import {
  EventDecodeError,
  EventValidationError,
  type EventCodec,
  type EventDefinition,
  type ValidationIssue,
  type WriterSchema,
} from '../api.js';

/** An error as ajv's standalone validators report it. */
export interface StandaloneValidationError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** A validator compiled by ajv at generate time into standalone code. */
export interface StandaloneValidator {
  (data: unknown): boolean;
  errors?: StandaloneValidationError[] | null;
}

/**
 * Where a reader fills in JSON Schema `default`s a value lacks: `defaults` for the properties of
 * an object, and plans (by name, so recursive schemas can refer to themselves) for its properties,
 * array items or map values. Defaults inside `oneOf`/`anyOf`/`allOf` branches are not applied, as in ajv.
 */
export interface DefaultsPlan {
  defaults?: Record<string, unknown>;
  properties?: Record<string, string>;
  items?: string;
  values?: string;
}

/** One version of the event: its exact schema text and its validator, to check values by the version they were written with. */
export interface JsonVersion {
  version: number;
  schema: string;
  validate: StandaloneValidator;
}

export interface JsonCodecSpec {
  /** This version's validator (no defaults applied). */
  validate: StandaloneValidator;
  /** Every generated version of this event (this one included). */
  versions: readonly JsonVersion[];
  /** Defaults this version fills in when it reads an event. */
  defaults?: { root: string; plans: Record<string, DefaultsPlan> };
}

export function jsonIssues(validate: StandaloneValidator): ValidationIssue[] {
  return (validate.errors ?? []).map((error) => ({ path: error.instancePath, message: describe(error) }));
}

function describe(error: StandaloneValidationError): string {
  const params = error.params;
  if (error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties') {
    return `unknown property ${JSON.stringify(params['additionalProperty'] ?? params['unevaluatedProperty'])}`;
  }
  if (error.keyword === 'enum') return `${error.message ?? 'must be one of the allowed values'}: ${(params['allowedValues'] as unknown[] | undefined)?.map((v) => JSON.stringify(v)).join(', ') ?? ''}`;
  return error.message ?? error.keyword;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function copy(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? JSON.parse(JSON.stringify(value)) : value;
}

export function applyDefaults(value: unknown, name: string, plans: Record<string, DefaultsPlan>): void {
  const plan = plans[name];
  if (!plan) return;
  if (plan.items !== undefined) {
    if (Array.isArray(value)) for (const item of value) applyDefaults(item, plan.items, plans);
    return;
  }
  if (!isObject(value)) return;
  if (plan.values !== undefined) {
    for (const key of Object.keys(value)) applyDefaults(value[key], plan.values, plans);
    return;
  }
  if (plan.defaults) {
    for (const key of Object.keys(plan.defaults)) if (value[key] === undefined) value[key] = copy(plan.defaults[key]);
  }
  if (plan.properties) {
    for (const key of Object.keys(plan.properties)) if (value[key] !== undefined) applyDefaults(value[key], plan.properties[key]!, plans);
  }
}

/** Key-sorted, whitespace-free JSON: two schema texts that differ only in layout compare equal. */
function canonicalJson(text: string): string | undefined {
  const sort = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(sort) : isObject(value) ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, sort(value[k])])) : value;
  try {
    return JSON.stringify(sort(JSON.parse(text)));
  } catch {
    return undefined;
  }
}

/**
 * The codec for one JSON Schema event version. Encoding validates with the precompiled validator
 * and writes UTF-8 JSON; decoding parses, validates against the writer's version when it is one
 * this code was generated with, then against this version, and fills in this version's defaults.
 */
export function jsonCodec<T>(definition: EventDefinition, spec: JsonCodecSpec): EventCodec<T> {
  const { validate, versions, defaults } = spec;
  const keyField = definition.keyField;
  const writers = new Map<number, StandaloneValidator | null>();
  let canonicalVersions: Map<string, JsonVersion> | undefined;

  function writerValidator(writer: WriterSchema): StandaloneValidator | null {
    let found = writers.get(writer.id);
    if (found !== undefined) return found;
    if (writer.format !== 'json') throw new EventDecodeError(`${definition.type}: writer schema ${writer.id} is ${writer.format}, not JSON Schema`);
    const exact = versions.find((v) => v.schema === writer.schema);
    if (exact) found = exact.validate;
    else {
      canonicalVersions ??= new Map(versions.map((v) => [canonicalJson(v.schema) ?? '', v]));
      found = canonicalVersions.get(canonicalJson(writer.schema) ?? '\0')?.validate ?? null;
    }
    writers.set(writer.id, found);
    return found;
  }

  return {
    ...definition,
    key: (event: T) => (event as Record<string, unknown>)[keyField] as string,
    validate(event: unknown): ValidationIssue[] {
      return validate(event) ? [] : jsonIssues(validate);
    },
    encode(event: T): Buffer {
      if (!validate(event)) throw new EventValidationError(definition.type, jsonIssues(validate));
      return Buffer.from(JSON.stringify(event), 'utf8');
    },
    encodeFramed(event: T, schemaId: number): Buffer {
      if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0x7fffffff) {
        throw new RangeError(`schema id must be an integer from 0 to 2147483647, got ${schemaId}`);
      }
      if (!validate(event)) throw new EventValidationError(definition.type, jsonIssues(validate));
      const json = JSON.stringify(event);
      const out = Buffer.allocUnsafe(5 + Buffer.byteLength(json, 'utf8'));
      out[0] = 0;
      out.writeInt32BE(schemaId, 1);
      out.write(json, 5, 'utf8');
      return out;
    },
    decode(body: Buffer, writer: WriterSchema): T {
      const writerValidate = writerValidator(writer);
      let value: unknown;
      try {
        value = JSON.parse(body.toString('utf8'));
      } catch (error) {
        throw new EventDecodeError(`${definition.type}: body of ${body.length} bytes is not JSON`, { cause: error });
      }
      if (writerValidate && writerValidate !== validate && !writerValidate(value)) {
        const issues = jsonIssues(writerValidate).map((i) => `${i.path || '/'} ${i.message}`).join('; ');
        throw new EventDecodeError(`${definition.type}: value does not match its writer schema ${writer.id}: ${issues}`);
      }
      if (!validate(value)) {
        const issues = jsonIssues(validate).map((i) => `${i.path || '/'} ${i.message}`).join('; ');
        throw new EventDecodeError(`${definition.type}: value written with schema ${writer.id} is not a valid ${definition.name}.v${definition.version}: ${issues}`);
      }
      if (defaults) applyDefaults(value, defaults.root, defaults.plans);
      return value as T;
    },
  };
}
