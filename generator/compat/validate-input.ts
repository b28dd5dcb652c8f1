import { validateAvro } from '../contracts/avro-schema.js';
import { validateJsonSchema } from '../contracts/json-schema.js';
import type { SchemaFormat } from './model.js';

/** Why a schema given to the compatibility engine is not a schema, or `undefined` when it is one. */
export function schemaInputProblem(format: SchemaFormat, schema: unknown): string | undefined {
  if (format === 'avro') {
    const problem = validateAvro(schema);
    return problem && `invalid Avro schema at ${problem.pointer || '/'}: ${problem.message}`;
  }
  if (typeof schema === 'boolean') return undefined;
  const problem = validateJsonSchema(schema, { unknownKeywords: 'allow' })[0];
  return problem && `invalid JSON Schema at ${problem.pointer || '/'}: ${problem.message}`;
}

/**
 * A schema given inline: a JSON value, or a string holding JSON text. A string that is not JSON
 * is an Avro type name such as `"int"`, as Avro tools read it.
 */
export function schemaFromInput(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
