/**
 * JSON Schema compatibility diff with Confluent Schema Registry's semantics (`SchemaDiff` in
 * `json-schema-provider`, package `io.confluent.kafka.schemaregistry.json.diff`).
 *
 * `original` is the schema data was written with, `update` the one that must now read it: Confluent's
 * BACKWARD check of a new schema is `compare(previous, new)`. The result lists every difference; whether
 * it is compatible is decided by the policy's set of compatible difference types (see `differences.ts`).
 */
import { canonicalJson } from './canonical.js';
import { compareCombined, compareNot } from './combined.js';
import { DiffContext, type FoundDifference, type IncompatibleSeed, samePairs } from './context.js';
import { type Difference, compatibleChanges } from './differences.js';
import { compareConsts, compareEnums } from './enums.js';
import { loadSchema } from './load.js';
import { compareNumbers } from './numbers.js';
import { compareObjects } from './objects.js';
import { compareArrays } from './arrays.js';
import { InvalidJsonSchemaError } from './refs.js';
import { type SchemaNode, acceptsEverything, kindName } from './schema-model.js';
import { compareStrings } from './strings.js';
import type { JsonCompatibilityPolicy } from '../model.js';

export type { Difference } from './differences.js';

/** Follows `$ref`s to the schema they name; a chain that only loops back to itself has no schema. */
function dereference(node: SchemaNode): SchemaNode {
  let current = node;
  let hops = 0;
  while (current.kind === 'ref') {
    if (++hops > 64) throw new InvalidJsonSchemaError(`invalid JSON schema: $ref '${current.ref}' only refers to itself`);
    current = current.target();
  }
  return current;
}

/** The recursion hub (`SchemaDiff.compare`): every nested comparison goes through here. */
function compareSchemas(ctx: DiffContext, original: SchemaNode | undefined, update: SchemaNode | undefined): void {
  if (original === undefined && update === undefined) return;
  if (original === undefined) return ctx.add('SCHEMA_ADDED');
  if (update === undefined) return ctx.add('SCHEMA_REMOVED');
  const before = dereference(original);
  const after = dereference(update);
  ctx.addRebased(ctx.compareMemoized(before, after, (pair) => compareTypes(pair, before, after)));
}

/**
 * A plain schema against a combined one first tries the branches: a compatible branch of an update
 * `anyOf`/`oneOf` widens (`SUM_TYPE_EXTENDED`), a compatible branch of an original `allOf` narrows
 * (`PRODUCT_TYPE_NARROWED`), and a single branch stands for itself. Failing that, differing kinds are a
 * `TYPE_CHANGED` unless the update accepts everything or the original nothing.
 */
function compareTypes(ctx: DiffContext, original: SchemaNode, update: SchemaNode): void {
  if (original.kind !== 'combined' && update.kind === 'combined') {
    if (update.subschemas.length === 1) {
      if (ctx.adoptIfCompatible(original, update.subschemas[0] as SchemaNode)) return;
    } else if (update.criterion !== 'allOf') {
      for (const branch of update.subschemas) {
        if (ctx.adoptIfCompatible(original, branch)) return ctx.add('SUM_TYPE_EXTENDED');
      }
    }
  } else if (original.kind === 'combined' && update.kind !== 'combined') {
    if (original.subschemas.length === 1) {
      if (ctx.adoptIfCompatible(original.subschemas[0] as SchemaNode, update)) return;
    } else if (original.criterion === 'allOf') {
      for (const branch of original.subschemas) {
        if (ctx.adoptIfCompatible(branch, update)) return ctx.add('PRODUCT_TYPE_NARROWED');
      }
    }
  }

  if (original.kind !== update.kind) {
    if (original.kind === 'false' || acceptsEverything(update)) return;
    // Kafka Connect's decimal fix changed a bytes schema's JSON type; Confluent accepts that pair.
    if (original.connectType === 'bytes' && update.connectType === 'bytes') return;
    return ctx.add('TYPE_CHANGED', { from: kindName(original), to: kindName(update) });
  }

  if (original.id !== update.id) ctx.add('ID_CHANGED', { from: original.id, to: update.id });
  if (original.title !== update.title) ctx.add('TITLE_CHANGED', { from: original.title, to: update.title });
  if (original.description !== update.description) ctx.add('DESCRIPTION_CHANGED');
  if (!sameDefault(original, update)) ctx.add('DEFAULT_CHANGED');

  switch (original.kind) {
    case 'string':
      return compareStrings(ctx, original, update as typeof original);
    case 'number':
      return compareNumbers(ctx, original, update as typeof original);
    case 'const':
      return compareConsts(ctx, original, update as typeof original);
    case 'enum':
      return compareEnums(ctx, original, update as typeof original);
    case 'combined':
      return compareCombined(ctx, original, update as typeof original);
    case 'not':
      return compareNot(ctx, original, update as typeof original);
    case 'object':
      return compareObjects(ctx, original, update as typeof original);
    case 'array':
      return compareArrays(ctx, original, update as typeof original);
    default:
      return;
  }
}

/** Defaults are compared as JSON values (Confluent compares org.json objects by identity, a needless `DEFAULT_CHANGED`). */
function sameDefault(original: SchemaNode, update: SchemaNode): boolean {
  if (original.default === undefined || update.default === undefined) return original.default === update.default;
  return canonicalJson(original.default.value) === canonicalJson(update.default.value);
}

/**
 * All differences between two loaded schemas under a policy, with the values involved. Iterates to a
 * fixed point when a recursive cycle was optimistically assumed compatible (see `context.ts`).
 */
export function diffLoaded(original: SchemaNode, update: SchemaNode, policy: JsonCompatibilityPolicy): FoundDifference[] {
  const compatible = compatibleChanges(policy);
  let seed: IncompatibleSeed = new Map();
  for (;;) {
    const ctx = DiffContext.root(compatible, compareSchemas, seed);
    ctx.compare(original, update);
    // A pass that never assumed a cycle compatible is exact: the common, non-recursive case costs one pass.
    if (!ctx.usedOptimisticTruncation()) return ctx.differences;
    const incompatible = ctx.incompatiblePairs();
    if (samePairs(incompatible, seed)) return ctx.differences;
    seed = incompatible;
  }
}

/**
 * Confluent's `SchemaDiff.compare(original, update)` under the default STRICT policy: every difference,
 * compatible or not, as `{ type, path }`. Throws on an invalid schema (not an object or boolean, unknown
 * type, unresolvable `$ref`, …).
 */
export function diffJsonSchemas(original: unknown, update: unknown): Difference[] {
  return diffWithPolicy(original, update, 'STRICT').map(({ type, path }) => ({ type, path }));
}

/** Like `diffJsonSchemas` but under a given policy, which can change inner decisions (branch matching, coverage). */
export function diffWithPolicy(original: unknown, update: unknown, policy: JsonCompatibilityPolicy): FoundDifference[] {
  return diffLoaded(loadSchema(original, 'original'), loadSchema(update, 'update'), policy);
}
