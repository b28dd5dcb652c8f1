/**
 * An example event generated from its schema, shown on the event page. It is checked against
 * the schema before it is shown (avsc for Avro, ajv for JSON Schema), so a reader can paste it
 * into a producer or a test as it is.
 *
 * Avro examples use Avro's JSON encoding (unions wrapped as `{"string": "…"}`, bytes as
 * code points 0–255), the form avro-tools and Confluent's console producer read, because plain
 * JSON cannot say which union branch or which bytes are meant.
 */
import { createHash } from 'node:crypto';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import avro from 'avsc';
import type { SchemaFormat } from '../compat/model.js';
import { AvroTypes, JsonRefs } from './field-table.js';
import { sampleForPattern } from './regex-sample.js';

export interface ExamplePayload {
  /** The example as pretty-printed JSON. */
  json: string;
  /** Whether the schema accepts it; when false, `problems` says why (shown instead of a wrong example). */
  valid: boolean;
  problems: string[];
  encoding: 'avro-json' | 'json';
}

type Json = unknown;
type JsonObject = Record<string, Json>;

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returned when a type cannot be instantiated on this path (a record that only contains itself). */
const IMPOSSIBLE: unique symbol = Symbol('impossible');
type Generated = Json | typeof IMPOSSIBLE;

/** One instant for every time-like value, so examples are deterministic and consistent. */
const EXAMPLE_MILLIS = Date.UTC(2025, 2, 1, 9, 30, 0);
const EXAMPLE_DAYS = Math.floor(EXAMPLE_MILLIS / 86_400_000);
const TIME_OF_DAY_MILLIS = (9 * 60 + 30) * 60_000;

/** A stable UUID per field name, so `projectId` has the same value in every event that carries it. */
function exampleUuid(seed: string): string {
  const hex = createHash('sha1').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[parseInt(hex[16]!, 16) % 4]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** `e.g. "ACME-0042"` in a field's documentation is the best example there is. */
function hintFromDoc(doc: unknown): string | undefined {
  if (typeof doc !== 'string') return undefined;
  const match = /\be\.g\.,?\s*"([^"\n]{1,80})"/.exec(doc);
  return match?.[1];
}

function stringForName(name: string): string {
  const lower = name.toLowerCase();
  if (lower.includes('email')) return 'jane.doe@example.com';
  if (lower.endsWith('currency') || lower === 'currencycode') return 'EUR';
  if (lower.endsWith('countrycode') || lower === 'country') return 'DE';
  if (lower.includes('phone')) return '+4930123456';
  if (lower.endsWith('locale') || lower === 'language') return 'en';
  if (lower.endsWith('url') || lower.endsWith('uri')) return 'https://example.com/';
  if (name === '') return 'example';
  return `example ${name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()}`;
}

// ---------------------------------------------------------------------------------------------
// Avro

class AvroExample {
  private readonly types: AvroTypes;
  constructor(
    schema: Json,
    private readonly useHints: boolean,
  ) {
    this.types = new AvroTypes(schema);
  }

  value(node: Json, namespace: string, name: string, doc: unknown, stack: readonly string[]): Generated {
    if (Array.isArray(node)) return this.union(node, namespace, name, doc, stack);
    const { node: resolved, namespace: ns, named } = this.types.resolve(node, namespace);
    if (typeof resolved === 'string') return this.primitive(resolved, undefined, name, doc);
    if (!isObject(resolved)) return IMPOSSIBLE;
    const type = resolved['type'];
    if (Array.isArray(type)) return this.union(type, ns, name, doc, stack);
    switch (type) {
      case 'record':
      case 'error': {
        const key = named?.fullName ?? name;
        if (stack.includes(key)) return IMPOSSIBLE;
        const record: JsonObject = {};
        for (const field of Array.isArray(resolved['fields']) ? resolved['fields'] : []) {
          if (!isObject(field) || typeof field['name'] !== 'string') continue;
          let value = this.value(field['type'], ns, field['name'], field['doc'], [...stack, key]);
          // A default is in the JSON encoding too, except for unions (a default is unwrapped).
          if (value === IMPOSSIBLE && 'default' in field && !Array.isArray(field['type'])) value = field['default'];
          if (value === IMPOSSIBLE) return IMPOSSIBLE;
          record[field['name']] = value;
        }
        return record;
      }
      case 'enum': {
        const symbols = Array.isArray(resolved['symbols']) ? resolved['symbols'].map(String) : [];
        // The enum default is usually a fallback such as UNKNOWN; a real symbol makes a better example.
        return symbols.find((s) => s !== resolved['default']) ?? symbols[0] ?? IMPOSSIBLE;
      }
      case 'fixed':
        return '0123456789abcdef'.repeat(Math.ceil(Number(resolved['size'] ?? 0) / 16)).slice(0, Number(resolved['size'] ?? 0));
      case 'array': {
        const item = this.value(resolved['items'], ns, name, doc, stack);
        return item === IMPOSSIBLE ? [] : [item];
      }
      case 'map': {
        const item = this.value(resolved['values'], ns, name, doc, stack);
        return item === IMPOSSIBLE ? {} : { key: item };
      }
      default:
        return typeof type === 'string' ? this.primitive(type, resolved, name, doc) : IMPOSSIBLE;
    }
  }

  private union(branches: Json[], namespace: string, name: string, doc: unknown, stack: readonly string[]): Generated {
    const ordered = [...branches.filter((b) => b !== 'null'), ...branches.filter((b) => b === 'null')];
    for (const branch of ordered) {
      if (branch === 'null') return null;
      const value = this.value(branch, namespace, name, doc, stack);
      if (value !== IMPOSSIBLE) return { [this.branchName(branch, namespace)]: value };
    }
    return IMPOSSIBLE;
  }

  /** The key Avro's JSON encoding uses for a union branch: full name of a named type, else the type name. */
  private branchName(branch: Json, namespace: string): string {
    const { node, named } = this.types.resolve(branch, namespace);
    if (named) return named.fullName;
    if (typeof node === 'string') return node;
    return isObject(node) && typeof node['type'] === 'string' ? node['type'] : 'unknown';
  }

  private primitive(type: string, node: JsonObject | undefined, name: string, doc: unknown): Generated {
    const logical = node && typeof node['logicalType'] === 'string' ? node['logicalType'] : undefined;
    switch (type) {
      case 'null':
        return null;
      case 'boolean':
        return true;
      case 'int':
        if (logical === 'date') return EXAMPLE_DAYS;
        if (logical === 'time-millis') return TIME_OF_DAY_MILLIS;
        return 42;
      case 'long':
        if (logical === 'timestamp-millis' || logical === 'local-timestamp-millis') return EXAMPLE_MILLIS;
        if (logical === 'timestamp-micros' || logical === 'local-timestamp-micros') return EXAMPLE_MILLIS * 1000;
        if (logical === 'time-micros') return TIME_OF_DAY_MILLIS * 1000;
        return 42;
      case 'float':
      case 'double':
        return 4.5;
      case 'bytes':
        if (logical === 'decimal') return decimalBytes(Number(node?.['precision'] ?? 1), Number(node?.['scale'] ?? 0));
        return 'bytes';
      case 'string': {
        if (logical === 'uuid') return exampleUuid(name);
        const hint = this.useHints ? hintFromDoc(doc) : undefined;
        return hint ?? stringForName(name);
      }
      default:
        return IMPOSSIBLE;
    }
  }
}

/**
 * A decimal's unscaled value as Avro bytes in the JSON encoding (big-endian two's complement, one
 * code point per byte): 1234.50 at scale 2, or the largest value the precision allows.
 */
function decimalBytes(precision: number, scale: number): string {
  let unscaled = 123450n * 10n ** BigInt(Math.max(0, scale - 2));
  if (scale < 2) unscaled = 1234n;
  const limit = 10n ** BigInt(Math.max(1, precision)) - 1n;
  if (unscaled > limit) unscaled = limit;
  const bytes: number[] = [];
  let rest = unscaled;
  do {
    bytes.unshift(Number(rest & 0xffn));
    rest >>= 8n;
  } while (rest > 0n);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return String.fromCharCode(...bytes);
}

function validateAvro(schema: Json, text: string): string[] {
  try {
    const type = avro.Type.forSchema(schema as avro.Schema, { registry: {} });
    const problems: string[] = [];
    const value: unknown = type.fromString(text);
    type.isValid(value, { errorHook: (path: string[]) => problems.push(`invalid value at ${path.join('.') || '(root)'}`) });
    return problems;
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

// ---------------------------------------------------------------------------------------------
// JSON Schema

const FORMAT_SAMPLES: Record<string, (seed: string, variant: number) => string> = {
  'date-time': (_s, v) => new Date(EXAMPLE_MILLIS + v * 86_400_000).toISOString().replace('.000Z', 'Z'),
  date: (_s, v) => new Date(EXAMPLE_MILLIS + v * 86_400_000).toISOString().slice(0, 10),
  time: (_s, v) => `${String(9 + (v % 10)).padStart(2, '0')}:30:00Z`,
  duration: (_s, v) => `P${v + 1}D`,
  email: (_s, v) => (v === 0 ? 'jane.doe@example.com' : `user${v}@example.com`),
  'idn-email': (_s, v) => (v === 0 ? 'jane.doe@example.com' : `user${v}@example.com`),
  hostname: (_s, v) => (v === 0 ? 'example.com' : `host${v}.example.com`),
  'idn-hostname': (_s, v) => (v === 0 ? 'example.com' : `host${v}.example.com`),
  ipv4: (_s, v) => `192.0.2.${1 + (v % 250)}`,
  ipv6: (_s, v) => `2001:db8::${(v + 1).toString(16)}`,
  uri: (_s, v) => `https://example.com/${v === 0 ? '' : v}`,
  'uri-reference': (_s, v) => `/example/${v}`,
  iri: (_s, v) => `https://example.com/${v === 0 ? '' : v}`,
  'iri-reference': (_s, v) => `/example/${v}`,
  'uri-template': () => 'https://example.com/{id}',
  uuid: (s, v) => exampleUuid(v === 0 ? s : `${s}#${v}`),
  'json-pointer': (_s, v) => `/example/${v}`,
  'relative-json-pointer': (_s, v) => `${v}`,
  regex: () => '^[a-z]+$',
};

interface JsonContext {
  name: string;
  variant: number;
  /** `$ref` pointers being expanded, to stop at recursion. */
  stack: readonly string[];
}

class JsonExample {
  private readonly refs: JsonRefs;
  constructor(
    schema: Json,
    private readonly useHints: boolean,
  ) {
    this.refs = new JsonRefs(schema);
  }

  value(raw: Json, ctx: JsonContext): Generated {
    const { node: resolvedNode, pointer } = this.refs.resolve(raw);
    if (pointer && ctx.stack.filter((p) => p === pointer).length >= 1) return IMPOSSIBLE;
    const stack = pointer ? [...ctx.stack, pointer] : ctx.stack;
    const node = this.mergeAllOf(resolvedNode, stack);
    const here: JsonContext = { ...ctx, stack };
    if ('const' in node) return node['const'];
    if (Array.isArray(node['enum']) && node['enum'].length > 0) {
      const choices = node['enum'].filter((v) => v !== null);
      return choices.length > 0 ? choices[ctx.variant % choices.length] : null;
    }
    if (Array.isArray(node['examples']) && node['examples'].length > 0) return node['examples'][ctx.variant % node['examples'].length];
    const types = typeof node['type'] === 'string' ? [node['type']] : Array.isArray(node['type']) ? node['type'].filter((t): t is string => typeof t === 'string') : [];
    const branches = (Array.isArray(node['oneOf']) ? node['oneOf'] : Array.isArray(node['anyOf']) ? node['anyOf'] : undefined) as Json[] | undefined;
    // An object that lists its properties is generated from them; its oneOf/anyOf then only say
    // which must be present, and a full object satisfies that.
    if (branches && types.length === 0 && !isObject(node['properties'])) {
      const ordered = [...branches.filter((b) => !this.isNull(b)), ...branches.filter((b) => this.isNull(b))];
      for (const branch of ordered) {
        const value = this.value(branch, here);
        if (value !== IMPOSSIBLE) return value;
      }
      return IMPOSSIBLE;
    }
    let type = types.find((t) => t !== 'null') ?? types[0];
    if (type === undefined) type = isObject(node['properties']) || isObject(node['additionalProperties']) ? 'object' : 'items' in node || 'prefixItems' in node ? 'array' : 'default' in node ? 'default' : 'string';
    switch (type) {
      case 'default':
        return node['default'];
      case 'null':
        return null;
      case 'boolean':
        return ctx.variant % 2 === 0;
      case 'integer':
      case 'number':
        return this.number(node, type === 'integer', ctx.variant);
      case 'string':
        return this.string(node, here);
      case 'array':
        return this.array(node, here);
      case 'object':
        return this.object(node, here);
      default:
        return IMPOSSIBLE;
    }
  }

  private isNull(raw: Json): boolean {
    const { node } = this.refs.resolve(raw);
    return node['type'] === 'null' || ('const' in node && node['const'] === null);
  }

  /** allOf branches merged into one object schema: properties and required lists combined. */
  private mergeAllOf(node: JsonObject, stack: readonly string[]): JsonObject {
    if (!Array.isArray(node['allOf'])) return node;
    const { allOf, ...rest } = node;
    let merged: JsonObject = { ...rest };
    for (const branch of allOf as Json[]) {
      const { node: part, pointer } = this.refs.resolve(branch);
      if (pointer && stack.includes(pointer)) continue;
      const inner = this.mergeAllOf(part, stack);
      merged = {
        ...inner,
        ...merged,
        properties: { ...(isObject(inner['properties']) ? inner['properties'] : {}), ...(isObject(merged['properties']) ? merged['properties'] : {}) },
        required: [...new Set([...(Array.isArray(inner['required']) ? inner['required'] : []), ...(Array.isArray(merged['required']) ? merged['required'] : [])])],
      };
    }
    return merged;
  }

  private number(node: JsonObject, integer: boolean, variant: number): number {
    const num = (key: string): number | undefined => (typeof node[key] === 'number' ? (node[key] as number) : undefined);
    const step = num('multipleOf') ?? (integer ? 1 : 0.5);
    // Draft-04-style boolean exclusive bounds do not occur in the supported drafts; numbers do.
    const min = num('minimum') ?? (num('exclusiveMinimum') !== undefined ? num('exclusiveMinimum')! + step : undefined);
    const max = num('maximum') ?? (num('exclusiveMaximum') !== undefined ? num('exclusiveMaximum')! - step : undefined);
    let value = min !== undefined && max !== undefined ? (min + max) / 2 : min !== undefined ? Math.max(min, 42) : max !== undefined ? Math.min(max, 42) : 42;
    value += variant * step;
    if (max !== undefined && value > max) value = max - (variant % 2) * step;
    value = Math.round(value / step) * step;
    if (min !== undefined && value < min) value += step;
    if (max !== undefined && value > max) value -= step;
    if (integer) value = Math.round(value);
    return Number(value.toPrecision(12));
  }

  private string(node: JsonObject, ctx: JsonContext): Generated {
    const minLength = typeof node['minLength'] === 'number' ? node['minLength'] : undefined;
    const maxLength = typeof node['maxLength'] === 'number' ? node['maxLength'] : undefined;
    if (typeof node['pattern'] === 'string') {
      const pattern = node['pattern'];
      const fits = (text: string | undefined): text is string => {
        if (text === undefined || (minLength !== undefined && text.length < minLength) || (maxLength !== undefined && text.length > maxLength)) return false;
        try {
          return new RegExp(pattern, 'u').test(text);
        } catch {
          return false;
        }
      };
      // A documented example ("1234.50") or a familiar value ("EUR") reads better than a sample.
      const familiar = [this.useHints ? hintFromDoc(node['description']) : undefined, stringForName(ctx.name)].find(fits);
      if (familiar !== undefined && ctx.variant === 0) return familiar;
      const bounds = { ...(minLength !== undefined ? { minLength } : {}), ...(maxLength !== undefined ? { maxLength } : {}) };
      return sampleForPattern(pattern, bounds, ctx.variant) ?? IMPOSSIBLE;
    }
    if (typeof node['format'] === 'string' && FORMAT_SAMPLES[node['format']]) return FORMAT_SAMPLES[node['format']]!(ctx.name, ctx.variant);
    let text = (this.useHints ? hintFromDoc(node['description']) : undefined) ?? stringForName(ctx.name);
    if (ctx.variant > 0) text = `${text} ${ctx.variant + 1}`;
    if (minLength !== undefined && text.length < minLength) text = text.padEnd(minLength, 'x');
    if (maxLength !== undefined && text.length > maxLength) text = text.slice(0, maxLength);
    return text;
  }

  private array(node: JsonObject, ctx: JsonContext): Generated {
    const prefix = Array.isArray(node['prefixItems']) ? node['prefixItems'] : Array.isArray(node['items']) ? node['items'] : undefined;
    if (prefix) {
      const values = prefix.map((item: Json, i: number) => this.value(item, { ...ctx, variant: ctx.variant + i }));
      return values.includes(IMPOSSIBLE) ? IMPOSSIBLE : values;
    }
    const minItems = typeof node['minItems'] === 'number' ? node['minItems'] : 0;
    const maxItems = typeof node['maxItems'] === 'number' ? node['maxItems'] : Infinity;
    const count = Math.min(maxItems, Math.max(1, minItems));
    const items: Json[] = [];
    const seen = new Set<string>();
    for (let i = 0; items.length < count && i < count + 8; i++) {
      const value = 'items' in node ? this.value(node['items'], { ...ctx, variant: ctx.variant + i }) : `item ${i + 1}`;
      if (value === IMPOSSIBLE) break;
      const key = JSON.stringify(value);
      if (node['uniqueItems'] === true && seen.has(key)) continue;
      seen.add(key);
      items.push(value);
    }
    return items.length >= minItems ? items : IMPOSSIBLE;
  }

  private object(node: JsonObject, ctx: JsonContext): Generated {
    const object: JsonObject = {};
    const required = new Set(Array.isArray(node['required']) ? node['required'] : []);
    const properties = isObject(node['properties']) ? node['properties'] : {};
    for (const [name, property] of Object.entries(properties)) {
      const value = this.value(property, { name, variant: 0, stack: ctx.stack });
      if (value === IMPOSSIBLE) {
        if (required.has(name)) return IMPOSSIBLE;
        continue;
      }
      object[name] = value;
    }
    const minProperties = typeof node['minProperties'] === 'number' ? node['minProperties'] : 0;
    const extra = node['additionalProperties'];
    const wantsEntry = Object.keys(properties).length === 0 && (isObject(extra) || isObject(node['patternProperties']));
    let index = 0;
    while ((wantsEntry && index === 0) || Object.keys(object).length < minProperties) {
      if (extra === false || index > minProperties + 4) break;
      const entry = this.mapEntry(node, index);
      if (!entry) break;
      if (entry.value === IMPOSSIBLE) break;
      object[entry.key] = entry.value;
      index++;
    }
    for (const name of required) if (typeof name === 'string' && !(name in object)) return IMPOSSIBLE;
    return object;
  }

  /** One map entry: a key the key rules accept (`propertyNames`, `patternProperties`) and a value for it. */
  private mapEntry(node: JsonObject, index: number): { key: string; value: Generated } | undefined {
    const names = isObject(node['propertyNames']) ? this.refs.resolve(node['propertyNames']).node : {};
    const patterns = isObject(node['patternProperties']) ? Object.entries(node['patternProperties']) : [];
    if (patterns.length > 0 && !isObject(node['additionalProperties'])) {
      const [pattern, schema] = patterns[index % patterns.length]!;
      const key = sampleForPattern(pattern, {}, index);
      return key === undefined ? undefined : { key, value: this.value(schema, { name: key, variant: index, stack: [] }) };
    }
    let key = typeof names['pattern'] === 'string' ? sampleForPattern(names['pattern'], {}, index) : index === 0 ? 'key' : `key${index + 1}`;
    if (key === undefined) return undefined;
    if (typeof names['pattern'] === 'string' && index === 0) key = sampleForPattern(names['pattern'], { minLength: 3 }, 0) ?? key;
    const valueSchema = isObject(node['additionalProperties']) ? node['additionalProperties'] : {};
    return { key, value: this.value(valueSchema, { name: key, variant: index, stack: [] }) };
  }
}

type AnyAjv = Ajv | Ajv2019 | Ajv2020;
const validators = new Map<string, AnyAjv>();

/**
 * ajv with formats, lenient and unoptimised: each validator runs once on one example, so compile
 * time is what counts, and checking the schema itself is `herald lint`'s job.
 */
function ajvForDraft(schema: JsonObject): AnyAjv {
  const declared = typeof schema['$schema'] === 'string' ? schema['$schema'] : '';
  const draft = declared.includes('2020-12') ? '2020-12' : declared.includes('2019-09') ? '2019-09' : 'draft-07';
  let ajv = validators.get(draft);
  if (!ajv) {
    const options = { strict: false, allErrors: false, validateFormats: true, validateSchema: false, logger: false, code: { optimize: false } } as const;
    ajv = draft === '2020-12' ? new Ajv2020(options) : draft === '2019-09' ? new Ajv2019(options) : new Ajv(options);
    addFormats.default(ajv);
    validators.set(draft, ajv);
  }
  return ajv;
}

function validateJson(schema: Json, value: Json): string[] {
  if (!isObject(schema)) return ['the schema is not an object'];
  const ajv = ajvForDraft(schema);
  // Compiled without $id: several versions of one event share an $id prefix, and each compile
  // stands alone.
  const { $id: _id, ...anonymous } = schema;
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(anonymous);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  } finally {
    ajv.removeSchema(anonymous);
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
}

// ---------------------------------------------------------------------------------------------

function generate(format: SchemaFormat, schema: Json, useHints: boolean): { text?: string; problems: string[] } {
  if (format === 'avro') {
    const value = new AvroExample(schema, useHints).value(schema, '', '', undefined, []);
    if (value === IMPOSSIBLE) return { problems: ['no finite value exists for this schema'] };
    const text = JSON.stringify(value, null, 2);
    return { text, problems: validateAvro(schema, text) };
  }
  const value = new JsonExample(schema, useHints).value(schema, { name: '', variant: 0, stack: ['#'] });
  if (value === IMPOSSIBLE) return { problems: ['could not generate a value for this schema'] };
  return { text: JSON.stringify(value, null, 2), problems: validateJson(schema, value) };
}

export function examplePayload(format: SchemaFormat, schema: Json): ExamplePayload {
  const encoding = format === 'avro' ? 'avro-json' : 'json';
  // Examples taken from the docs read best but may break a constraint; then without them.
  let attempt = generate(format, schema, true);
  if (attempt.problems.length > 0) attempt = generate(format, schema, false);
  return { json: attempt.text ?? '', valid: attempt.problems.length === 0 && attempt.text !== undefined, problems: attempt.problems, encoding };
}
