import type { Ajv, ErrorObject } from 'ajv';
import type { Ajv2019 } from 'ajv/dist/2019.js';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { ajvModules } from './ajv-modules.js';
import { certainlyCompiles } from './json-schema-fast-check.js';
import { joinPointer } from './json-source.js';

type Json = unknown;
type JsonObject = Record<string, Json>;

export interface JsonSchemaProblem {
  pointer: string;
  message: string;
}

export const JSON_SCHEMA_DRAFTS = {
  'http://json-schema.org/draft-07/schema': 'draft-07',
  'https://json-schema.org/draft/2019-09/schema': '2019-09',
  'https://json-schema.org/draft/2020-12/schema': '2020-12',
} as const;
export type JsonSchemaDraft = (typeof JSON_SCHEMA_DRAFTS)[keyof typeof JSON_SCHEMA_DRAFTS];

/** Annotation keywords Confluent's serializers and other generators read; not typos. */
const KNOWN_EXTENSION_KEYWORD = /^(x-|connect\.|confluent:)|^(javaType|tsType|deprecated|examples|readOnly|writeOnly|\$comment)$/;

/** ajv's strict-mode findings for the schema being compiled right now (compilation is synchronous). */
let strictFindings: string[] = [];
const logger = {
  log: () => undefined,
  warn: (...args: unknown[]) => void strictFindings.push(args.map(String).join(' ')),
  error: () => undefined,
};

type AnyAjv = Ajv | Ajv2019 | Ajv2020;
const instances = new Map<JsonSchemaDraft, AnyAjv>();

/** One validator per draft, made on first use: `strictSchema` turns misspelt keywords into errors. */
export function ajvFor(draft: JsonSchemaDraft): AnyAjv {
  let ajv = instances.get(draft);
  if (!ajv) {
    // Strict schema checks are logged, not thrown, so extension keywords can be told from typos.
    const options = { strictSchema: 'log', strictTypes: false, strictTuples: false, strictRequired: false, allErrors: true, validateFormats: true, logger } as const;
    const { Ajv, Ajv2019, Ajv2020, addFormats } = ajvModules();
    ajv = draft === '2020-12' ? new Ajv2020(options) : draft === '2019-09' ? new Ajv2019(options) : new Ajv(options);
    addFormats.default(ajv);
    instances.set(draft, ajv);
  }
  return ajv;
}

export function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The draft a schema declares; draft-07 when it declares none, as Confluent assumes. */
export function draftOf(schema: JsonObject): JsonSchemaDraft | undefined {
  const declared = schema['$schema'];
  if (declared === undefined) return 'draft-07';
  if (typeof declared !== 'string') return undefined;
  return JSON_SCHEMA_DRAFTS[declared.replace(/#$/, '') as keyof typeof JSON_SCHEMA_DRAFTS];
}

/**
 * Validates against the draft's meta-schema, then compiles to catch unresolvable `$ref`s and bad
 * patterns, unless the quick check already shows there is nothing to catch. `unknownKeywords: 'allow'` is for schemas herald did not author (e.g. `herald compat`
 * input), where Confluent accepts keywords it does not know.
 */
export function validateJsonSchema(schema: Json, options: { unknownKeywords?: 'error' | 'allow' } = {}): JsonSchemaProblem[] {
  if (!isObject(schema)) return [{ pointer: '', message: 'a JSON Schema event must be an object' }];
  const draft = draftOf(schema);
  if (!draft) {
    return [{ pointer: '/$schema', message: `unsupported "$schema"; use one of ${Object.keys(JSON_SCHEMA_DRAFTS).join(', ')}` }];
  }
  const ajv = ajvFor(draft);
  if (!ajv.validateSchema(schema)) return metaSchemaProblems(ajv.errors ?? []);
  if (certainlyCompiles(schema)) return [];
  strictFindings = [];
  try {
    // Compiled without its $id so that linting the same file twice in one process does not clash.
    const { $id: _id, ...anonymous } = schema;
    ajv.removeSchema();
    ajv.compile(anonymous);
  } catch (error) {
    return [compileProblem(schema, error)];
  }
  if (options.unknownKeywords === 'allow') return [];
  return strictFindings.flatMap((finding) => {
    const keyword = /unknown keyword: "([^"]+)"/.exec(finding)?.[1];
    if (!keyword || KNOWN_EXTENSION_KEYWORD.test(keyword)) return [];
    return [{ pointer: findPointer(schema, (key) => key === keyword) ?? '', message: `unknown keyword "${keyword}" (a typo? annotations of your own need an "x-" prefix)` }];
  });
}

/**
 * One problem per location: a failed `anyOf` in the meta-schema also reports each failed branch,
 * which would read as several contradictory errors for one mistake.
 */
function metaSchemaProblems(errors: readonly ErrorObject[]): JsonSchemaProblem[] {
  const byPath = new Map<string, ErrorObject>();
  for (const error of errors) {
    const seen = byPath.get(error.instancePath);
    if (!seen || error.keyword === 'anyOf' || error.keyword === 'oneOf') byPath.set(error.instancePath, error);
  }
  return [...byPath.values()].map(metaSchemaProblem);
}

function metaSchemaProblem(error: ErrorObject): JsonSchemaProblem {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'enum') {
    return { pointer: error.instancePath, message: `must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
  }
  if (error.keyword === 'anyOf' && /\/type$/.test(error.instancePath)) {
    return { pointer: error.instancePath, message: 'must be a JSON Schema type name or an array of them (string, number, integer, boolean, object, array, null)' };
  }
  return { pointer: error.instancePath, message: error.message ?? error.keyword };
}

function compileProblem(schema: JsonObject, error: unknown): JsonSchemaProblem {
  if (error instanceof ajvModules().MissingRefError) {
    return { pointer: findPointer(schema, (key, value) => key === '$ref' && value === error.missingRef) ?? '', message: `cannot resolve $ref "${error.missingRef}"` };
  }
  const message = error instanceof Error ? error.message : String(error);
  const badPattern = /pattern "?([^"]*)"?/.exec(message);
  if (badPattern) {
    return { pointer: findPointer(schema, (key) => key === 'pattern' || key === 'patternProperties') ?? '', message };
  }
  return { pointer: '', message };
}

/** Depth-first search for the first key/value pair a predicate accepts. */
export function findPointer(node: Json, accept: (key: string, value: Json) => boolean, base = ''): string | undefined {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) {
      const found = findPointer(item, accept, joinPointer(base, i));
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isObject(node)) return undefined;
  for (const [key, value] of Object.entries(node)) {
    const here = joinPointer(base, key);
    if (accept(key, value)) return here;
    const found = findPointer(value, accept, here);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Follows local `$ref`s (`#/definitions/...`, `#/$defs/...`) to the schema they name. */
export function resolveLocalRef(root: JsonObject, schema: Json, seen = new Set<string>()): Json {
  if (!isObject(schema) || typeof schema['$ref'] !== 'string') return schema;
  const ref = schema['$ref'];
  if (!ref.startsWith('#') || seen.has(ref)) return schema;
  seen.add(ref);
  let target: Json = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    target = isObject(target) ? target[segment] : Array.isArray(target) ? target[Number(segment)] : undefined;
  }
  return resolveLocalRef(root, target, seen);
}

const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'] as const;
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;
const SUBSCHEMA_SINGLES = ['additionalProperties', 'items', 'additionalItems', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems'] as const;

/** Every object property declared anywhere in the schema, with its pointer, for documentation checks. */
export function declaredProperties(schema: Json): { name: string; schema: Json; pointer: string }[] {
  const found: { name: string; schema: Json; pointer: string }[] = [];
  const step = (node: Json, pointer: string): void => {
    if (!isObject(node)) return;
    for (const key of SUBSCHEMA_MAPS) {
      const map = node[key];
      if (!isObject(map)) continue;
      for (const [name, child] of Object.entries(map)) {
        const at = joinPointer(pointer, key, name);
        if (key === 'properties') found.push({ name, schema: child, pointer: at });
        step(child, at);
      }
    }
    for (const key of SUBSCHEMA_LISTS) {
      const list = node[key];
      if (Array.isArray(list)) list.forEach((child, i) => step(child, joinPointer(pointer, key, i)));
    }
    for (const key of SUBSCHEMA_SINGLES) {
      const child = node[key];
      if (Array.isArray(child)) child.forEach((item, i) => step(item, joinPointer(pointer, key, i)));
      else step(child, joinPointer(pointer, key));
    }
  };
  step(schema, '');
  return found;
}
