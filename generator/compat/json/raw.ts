/**
 * Typed reads of raw schema keywords, failing with a message that names the location, because an invalid
 * schema must be reported as such rather than silently diffed as something else.
 */
import { InvalidJsonSchemaError, isJsonObject } from './refs.js';

export type RawObject = Record<string, unknown>;

export function fail(where: string, message: string): never {
  throw new InvalidJsonSchemaError(`invalid JSON schema at ${where}: ${message}`);
}

function escapeSegment(segment: string | number): string {
  const text = String(segment);
  return text.includes('~') || text.includes('/') ? text.replace(/~/g, '~0').replace(/\//g, '~1') : text;
}

/** The JSON pointer of a child location, for error messages. */
export function childWhere(where: string, ...segments: (string | number)[]): string {
  let out = where;
  for (const segment of segments) out = `${out}/${escapeSegment(segment)}`;
  return out;
}

export function readNumber(o: RawObject, key: string, where: string): number | undefined {
  const value = o[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(childWhere(where, key), 'expected a number');
  return value;
}

export function readInteger(o: RawObject, key: string, where: string): number | undefined {
  const value = readNumber(o, key, where);
  if (value !== undefined && !Number.isInteger(value)) fail(childWhere(where, key), 'expected an integer');
  return value;
}

export function readString(o: RawObject, key: string, where: string): string | undefined {
  const value = o[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail(childWhere(where, key), 'expected a string');
  return value;
}

export function readBoolean(o: RawObject, key: string, where: string): boolean | undefined {
  const value = o[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') fail(childWhere(where, key), 'expected a boolean');
  return value;
}

export function readArray(o: RawObject, key: string, where: string): unknown[] | undefined {
  const value = o[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) fail(childWhere(where, key), 'expected an array');
  return value;
}

export function readObject(o: RawObject, key: string, where: string): RawObject | undefined {
  const value = o[key];
  if (value === undefined) return undefined;
  if (!isJsonObject(value)) fail(childWhere(where, key), 'expected an object');
  return value;
}

export function readStringArray(o: RawObject, key: string, where: string): string[] | undefined {
  const values = readArray(o, key, where);
  if (values === undefined) return undefined;
  return values.map((v, i) => (typeof v === 'string' ? v : fail(childWhere(where, key, i), 'expected a string')));
}

/**
 * Compiles a JSON Schema `pattern` / `patternProperties` regex. Java's engine (used by Confluent) and ECMA-262
 * agree on the common subset; `find()` semantics equal an unanchored `test`.
 */
export function compilePattern(source: string, where: string): RegExp {
  try {
    return new RegExp(source, 'u');
  } catch {
    try {
      return new RegExp(source);
    } catch {
      return fail(where, `invalid regular expression ${JSON.stringify(source)}`);
    }
  }
}
