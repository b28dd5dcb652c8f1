/**
 * The JSON Schema pair check behind `checkCompatibility` (`../check.ts`): Confluent's verdict for a reader
 * schema reading data written with a writer schema, as findings.
 */
import type { PairFinding } from '../check.js';
import type { JsonCompatibilityPolicy } from '../model.js';
import { diffWithPolicy } from './diff.js';
import { compatibleChanges } from './differences.js';
import { describeDifference } from './messages.js';

/**
 * Confluent checks a new schema BACKWARD as `SchemaDiff.compare(previous, new)`: the schema data was
 * written with is the original, the one reading it the update. Only differences the policy does not accept
 * are returned; an empty list means compatible. Throws on an invalid schema.
 */
export function checkJsonPair(reader: unknown, writer: unknown, policy: JsonCompatibilityPolicy): PairFinding[] {
  const accepted = compatibleChanges(policy);
  return diffWithPolicy(writer, reader, policy)
    .filter((d) => !accepted.has(d.type))
    .map((d) => ({ rule: d.type, path: d.path, detail: describeDifference(d) }));
}
