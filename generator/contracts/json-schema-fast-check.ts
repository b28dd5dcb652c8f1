/**
 * A quick answer to "would compiling this schema with ajv find nothing?" that never says yes
 * wrongly. Compiling generates and evaluates a validator, milliseconds per contract, only to learn
 * about unknown keywords, unresolvable `$ref`s and bad patterns. This walk checks exactly those for
 * schemas made of the keywords every supported draft treats alike; anything else (an unknown or
 * extension keyword, tuple `items`, nested `$id`s or anchors, a `$ref` that is not a plain local
 * pointer, an unknown format) answers "not sure", and the caller compiles, which also words and
 * locates the problem. The meta-schema check is not replaced: it runs first either way.
 */

type Json = unknown;
type JsonObject = Record<string, Json>;

/** Keywords whose value is data or a constraint, not a schema. */
const VALUE_KEYWORDS = new Set([
  'type', 'enum', 'const', 'required', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'title', 'description', 'default', 'examples', '$comment',
  'readOnly', 'writeOnly', 'deprecated',
]);
const SCHEMA_KEYWORDS = new Set(['additionalProperties', 'items', 'not', 'if', 'then', 'else', 'contains', 'propertyNames']);
const SCHEMA_LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf']);
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties', '$defs', 'definitions']);
/** What ajv-formats adds (`fullFormats`). */
const FORMATS = new Set([
  'date', 'time', 'date-time', 'iso-time', 'iso-date-time', 'duration', 'uri', 'uri-reference', 'uri-template', 'url', 'email', 'hostname',
  'ipv4', 'ipv6', 'regex', 'uuid', 'json-pointer', 'json-pointer-uri-fragment', 'relative-json-pointer', 'byte', 'int32', 'int64', 'float',
  'double', 'password', 'binary',
]);
const LOCAL_REF = /^#(\/[$A-Za-z0-9_.-]+)*$/;

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compiles(pattern: Json): boolean {
  if (typeof pattern !== 'string') return false;
  try {
    // ajv compiles patterns with the unicode flag (its `unicodeRegExp` default).
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

function resolves(root: JsonObject, ref: string): boolean {
  let target: Json = root;
  for (const segment of ref.slice(1).split('/').filter(Boolean)) {
    if (!isObject(target) || !Object.hasOwn(target, segment)) return false;
    target = target[segment];
  }
  return isObject(target) || typeof target === 'boolean';
}

/** `true` only when ajv would certainly compile the (meta-schema valid) schema without a finding. */
export function certainlyCompiles(root: JsonObject): boolean {
  const schema = (node: Json, isRoot: boolean): boolean => {
    if (typeof node === 'boolean') return true;
    if (!isObject(node)) return false;
    for (const [key, value] of Object.entries(node)) {
      if (VALUE_KEYWORDS.has(key)) continue;
      if (key === '$schema' || key === '$id') {
        if (!isRoot) return false;
      } else if (key === '$ref') {
        if (typeof value !== 'string' || !LOCAL_REF.test(value) || !resolves(root, value)) return false;
      } else if (key === 'format') {
        if (typeof value !== 'string' || !FORMATS.has(value)) return false;
      } else if (key === 'pattern') {
        if (!compiles(value)) return false;
      } else if (SCHEMA_KEYWORDS.has(key)) {
        if (Array.isArray(value) || !schema(value, false)) return false;
      } else if (SCHEMA_LIST_KEYWORDS.has(key)) {
        if (!Array.isArray(value) || !value.every((item) => schema(item, false))) return false;
      } else if (SCHEMA_MAP_KEYWORDS.has(key)) {
        if (!isObject(value)) return false;
        for (const [name, child] of Object.entries(value)) {
          if (key === 'patternProperties' && !compiles(name)) return false;
          if (!schema(child, false)) return false;
        }
      } else {
        return false;
      }
    }
    return true;
  };
  return schema(root, true);
}
