import { validateJsonSchema } from '../contracts/json-schema.js';
import { AvroSchemaError, parseAvroSchema } from './avro/check.js';
import type { SchemaFormat } from './model.js';

/**
 * Why a schema given to the compatibility engine is not a schema, or `undefined` when it is one.
 * Avro input is judged by the engine's own parser, which accepts what Avro Java accepts (empty
 * unions, for one) where avsc, which lint uses for contracts, is stricter.
 */
export function schemaInputProblem(format: SchemaFormat, schema: unknown): string | undefined {
  if (format === 'avro') {
    try {
      parseAvroSchema(schema);
      return undefined;
    } catch (error) {
      if (error instanceof AvroSchemaError) return `invalid Avro schema at ${error.pointer || '/'}: ${error.reason}`;
      throw error;
    }
  }
  if (typeof schema === 'boolean') return undefined;
  const problem = validateJsonSchema(schema, { unknownKeywords: 'allow' })[0];
  return problem && `invalid JSON Schema at ${problem.pointer || '/'}: ${problem.message}`;
}

/**
 * A schema given inline: a JSON value, or a string holding JSON text (an object, an array or a
 * quoted string). Any other string is an Avro type name such as `int` or `null`, as Avro tools read it.
 */
export function schemaFromInput(value: unknown): unknown {
  if (typeof value !== 'string' || !/^\s*[[{"]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
