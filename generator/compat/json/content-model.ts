/**
 * Open, closed and partially open content models (`ObjectSchemaDiff` / `ArraySchemaDiff`).
 *
 * An open model accepts any extra property (or tuple item); a closed one none; a partially open one
 * constrains extras by a schema (a matching `patternProperties` entry, else `additionalProperties`, else
 * `unevaluatedProperties` when `additionalProperties` is absent; for arrays `additionalItems`, else
 * `unevaluatedItems`). Whether a property may be added or removed depends on these.
 */
import { type ArrayNode, type ObjectNode, type SchemaNode, acceptsEverything } from './schema-model.js';

export function isOpenObject(node: ObjectNode): boolean {
  if (!node.permitsAdditionalProperties || node.additionalPropertiesSchema !== undefined) return false;
  if (node.patternProperties.length > 0) return false;
  const uneval = node.unevaluatedProperties;
  return uneval === undefined || acceptsEverything(uneval);
}

/** The schema a partially open object applies to an undeclared property `name`, if any. */
export function partialSchemaForProperty(node: ObjectNode, name: string): SchemaNode | undefined {
  for (const pattern of node.patternProperties) {
    pattern.regex.lastIndex = 0;
    if (pattern.regex.test(name)) return pattern.schema;
  }
  if (node.additionalPropertiesSchema !== undefined) return node.additionalPropertiesSchema;
  return node.permitsAdditionalProperties ? partialUnevaluated(node.unevaluatedProperties) : undefined;
}

export function isOpenArray(node: ArrayNode): boolean {
  if (!node.permitsAdditionalItems || node.additionalItemsSchema !== undefined) return false;
  const uneval = node.unevaluatedItems;
  return uneval === undefined || acceptsEverything(uneval);
}

/** The schema a partially open array applies to items past its tuple positions, if any. */
export function partialSchemaForItems(node: ArrayNode): SchemaNode | undefined {
  if (node.additionalItemsSchema !== undefined) return node.additionalItemsSchema;
  return node.permitsAdditionalItems ? partialUnevaluated(node.unevaluatedItems) : undefined;
}

/** An `unevaluated*` schema constrains extras only when it is neither `false` nor accept-all. */
function partialUnevaluated(uneval: SchemaNode | undefined): SchemaNode | undefined {
  return uneval === undefined || uneval.kind === 'false' || acceptsEverything(uneval) ? undefined : uneval;
}
