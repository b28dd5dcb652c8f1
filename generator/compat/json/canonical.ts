/**
 * A canonical text for a loaded schema, used where Confluent compares subschemas by their JSON form
 * (it collapses duplicate `allOf`/`anyOf`/`oneOf` branches through a set of `JsonSchema` objects).
 */
import type { SchemaNode } from './schema-model.js';

const cache = new WeakMap<SchemaNode, string>();

/** Already-canonical text embedded as is, so nested schemas are not escaped once per nesting level. */
class Verbatim {
  constructor(readonly text: string) {}
}

/** JSON with object keys sorted, so that key order never distinguishes two values. */
export function canonicalJson(value: unknown): string {
  if (value instanceof Verbatim) return value.text;
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function describe(node: SchemaNode): Record<string, unknown> {
  const own: Record<string, unknown> = { kind: node.kind };
  for (const key of ['id', 'title', 'description', 'connectType', 'minContains', 'maxContains'] as const) {
    if (node[key] !== undefined) own[key] = node[key];
  }
  if (node.default !== undefined) own['default'] = node.default.value;
  if (node.unevaluatedProperties) own['unevaluatedProperties'] = nested(node.unevaluatedProperties);
  if (node.unevaluatedItems) own['unevaluatedItems'] = nested(node.unevaluatedItems);
  switch (node.kind) {
    case 'string':
      return { ...own, minLength: node.minLength, maxLength: node.maxLength, pattern: node.pattern };
    case 'number':
      return {
        ...own,
        integer: node.requiresInteger,
        minimum: node.minimum,
        maximum: node.maximum,
        exclusiveMinimum: node.exclusiveMinimum,
        exclusiveMaximum: node.exclusiveMaximum,
        multipleOf: node.multipleOf,
      };
    case 'object':
      return {
        ...own,
        properties: [...node.properties].map(([k, v]) => [k, nested(v)]),
        required: node.required,
        additional: node.permitsAdditionalProperties,
        additionalSchema: node.additionalPropertiesSchema && nested(node.additionalPropertiesSchema),
        patterns: node.patternProperties.map((p) => [p.source, nested(p.schema)]),
        minProperties: node.minProperties,
        maxProperties: node.maxProperties,
        propertyDependencies: [...node.propertyDependencies].map(([k, v]) => [k, [...v].sort()]),
        schemaDependencies: [...node.schemaDependencies].map(([k, v]) => [k, nested(v)]),
      };
    case 'array':
      return {
        ...own,
        items: node.allItemsSchema && nested(node.allItemsSchema),
        tuple: node.itemSchemas?.map(nested),
        additional: node.permitsAdditionalItems,
        additionalSchema: node.additionalItemsSchema && nested(node.additionalItemsSchema),
        minItems: node.minItems,
        maxItems: node.maxItems,
        uniqueItems: node.uniqueItems,
      };
    case 'enum':
      return { ...own, values: node.values };
    case 'const':
      return { ...own, value: node.value };
    case 'combined':
      return { ...own, criterion: node.criterion, subschemas: node.subschemas.map(nested) };
    case 'not':
      return { ...own, not: nested(node.mustNotMatch) };
    case 'ref':
      // A reference prints as its `$ref` text, as everit does; this also keeps recursion finite.
      return { ...own, ref: node.ref };
    default:
      return own;
  }
}

function nested(node: SchemaNode): Verbatim {
  return new Verbatim(canonicalSchema(node));
}

export function canonicalSchema(node: SchemaNode): string {
  let text = cache.get(node);
  if (text === undefined) {
    text = canonicalJson(describe(node));
    cache.set(node, text);
  }
  return text;
}
