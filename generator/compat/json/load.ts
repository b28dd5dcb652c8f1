/**
 * Loads a raw JSON Schema into the model the diff walks, choosing the loader Confluent would use from the
 * root `$schema` (draft 7 when absent or unknown, as in Confluent's `JsonSchema.rawSchema`).
 */
import { ClassicLoader, type ClassicDraft } from './load-classic.js';
import { ModernLoader } from './load-modern.js';
import { InvalidJsonSchemaError, isJsonObject } from './refs.js';
import type { SchemaNode } from './schema-model.js';

export type Dialect = ClassicDraft | '2019-09' | '2020-12';

const DIALECTS: Record<string, Dialect> = {
  'http://json-schema.org/draft-04/schema': 4,
  'https://json-schema.org/draft-04/schema': 4,
  'http://json-schema.org/schema': 4,
  'https://json-schema.org/schema': 4,
  'http://json-schema.org/draft-06/schema': 6,
  'https://json-schema.org/draft-06/schema': 6,
  'http://json-schema.org/draft-07/schema': 7,
  'https://json-schema.org/draft-07/schema': 7,
  'http://json-schema.org/draft/2019-09/schema': '2019-09',
  'https://json-schema.org/draft/2019-09/schema': '2019-09',
  'http://json-schema.org/draft/2020-12/schema': '2020-12',
  'https://json-schema.org/draft/2020-12/schema': '2020-12',
};

export function dialectOf(schema: unknown): Dialect {
  if (!isJsonObject(schema)) return 7;
  const declared = schema['$schema'];
  if (declared === undefined) return 7;
  if (typeof declared !== 'string') throw new InvalidJsonSchemaError('invalid JSON schema at #/$schema: expected a string');
  return DIALECTS[declared.endsWith('#') ? declared.slice(0, -1) : declared] ?? 7;
}

/** @param label names the schema in error messages, e.g. `original`. */
export function loadSchema(schema: unknown, label = 'schema'): SchemaNode {
  if (!isJsonObject(schema) && typeof schema !== 'boolean') {
    const found = schema === null ? 'null' : Array.isArray(schema) ? 'an array' : typeof schema;
    throw new InvalidJsonSchemaError(`invalid JSON schema (${label}): expected an object or a boolean at the root, found ${found}`);
  }
  try {
    const dialect = dialectOf(schema);
    return typeof dialect === 'number'
      ? new ClassicLoader(schema, dialect).loadRoot()
      : new ModernLoader(schema, dialect === '2019-09').loadRoot();
  } catch (error) {
    if (error instanceof InvalidJsonSchemaError) {
      throw new InvalidJsonSchemaError(`${error.message} (${label})`);
    }
    throw error;
  }
}
