/**
 * The loaded form of a JSON Schema that the diff walks.
 *
 * Confluent does not diff raw JSON: it loads each schema into the everit object model (draft 4/6/7 directly,
 * 2019-09/2020-12 through json-sKema and a translator) and diffs that. The shape of that model decides what a
 * change looks like (e.g. `{"type":"string","enum":[…]}` becomes an `allOf` of an enum and a string schema),
 * so this model reproduces its node kinds and fields rather than the JSON keywords.
 */

export type Criterion = 'allOf' | 'anyOf' | 'oneOf';

/** A `default` keyword's value; absent when the schema has no default (as everit sees it). */
export interface DefaultValue {
  value: unknown;
}

interface NodeBase {
  id?: string;
  title?: string;
  description?: string;
  default?: DefaultValue;
  /** Whether the property counts as "having a default" for the required-property rules (everit's `hasDefaultValue`). */
  hasDefault: boolean;
  /** `connect.type`, which lets two `bytes` schemas of different kinds pass as the same type. */
  connectType?: string;
  /** everit keeps these as "unprocessed properties"; only schema-valued ones (2019-09+) count. */
  unevaluatedProperties?: SchemaNode;
  unevaluatedItems?: SchemaNode;
  minContains?: number;
  maxContains?: number;
}

/** `{}`: accepts anything. Distinct from `true` only in kind, which matters for type equality. */
export interface EmptyNode extends NodeBase {
  kind: 'empty';
}
export interface TrueNode extends NodeBase {
  kind: 'true';
}
export interface FalseNode extends NodeBase {
  kind: 'false';
}
export interface BooleanNode extends NodeBase {
  kind: 'boolean';
}
export interface NullNode extends NodeBase {
  kind: 'null';
}

export interface StringNode extends NodeBase {
  kind: 'string';
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

export interface NumberNode extends NodeBase {
  kind: 'number';
  requiresInteger: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
}

export interface PatternProperty {
  source: string;
  regex: RegExp;
  schema: SchemaNode;
}

export interface ObjectNode extends NodeBase {
  kind: 'object';
  properties: Map<string, SchemaNode>;
  required: string[];
  /** False for `additionalProperties: false`. */
  permitsAdditionalProperties: boolean;
  additionalPropertiesSchema?: SchemaNode;
  patternProperties: PatternProperty[];
  minProperties?: number;
  maxProperties?: number;
  propertyDependencies: Map<string, Set<string>>;
  schemaDependencies: Map<string, SchemaNode>;
}

export interface ArrayNode extends NodeBase {
  kind: 'array';
  /** `items` as one schema for every item (draft 7 object form, 2020-12 `items` without `prefixItems`). */
  allItemsSchema?: SchemaNode;
  /** Tuple positions (`items: [...]` before 2020-12, `prefixItems` after). */
  itemSchemas?: SchemaNode[];
  permitsAdditionalItems: boolean;
  additionalItemsSchema?: SchemaNode;
  minItems?: number;
  maxItems?: number;
  uniqueItems: boolean;
}

export interface EnumNode extends NodeBase {
  kind: 'enum';
  values: unknown[];
}

export interface ConstNode extends NodeBase {
  kind: 'const';
  value: unknown;
}

export interface CombinedNode extends NodeBase {
  kind: 'combined';
  criterion: Criterion;
  subschemas: SchemaNode[];
  /**
   * True when the loader made this combination up (several keyword families in one object, a type list, …)
   * rather than the author writing `allOf`/`anyOf`/`oneOf`. The diff treats both alike; the 2020-12
   * translator merges and unwraps generated ones.
   */
  generated: boolean;
}

export interface NotNode extends NodeBase {
  kind: 'not';
  mustNotMatch: SchemaNode;
}

/** `if`/`then`/`else`: Confluent compares only its annotations. */
export interface ConditionalNode extends NodeBase {
  kind: 'conditional';
}

export interface RefNode extends NodeBase {
  kind: 'ref';
  ref: string;
  /** Resolved lazily so that recursive references load without looping. */
  target: () => SchemaNode;
}

export type SchemaNode =
  | EmptyNode
  | TrueNode
  | FalseNode
  | BooleanNode
  | NullNode
  | StringNode
  | NumberNode
  | ObjectNode
  | ArrayNode
  | EnumNode
  | ConstNode
  | CombinedNode
  | NotNode
  | ConditionalNode
  | RefNode;

export type SchemaKind = SchemaNode['kind'];

/** `{}` and `true` both accept everything; everit's `TrueSchema` extends `EmptySchema`. */
export function acceptsEverything(node: SchemaNode): boolean {
  return node.kind === 'empty' || node.kind === 'true';
}

/** A short name for a schema's kind in messages: `string`, `integer`, `oneOf`, `any value` … */
export function kindName(node: SchemaNode): string {
  switch (node.kind) {
    case 'number':
      return node.requiresInteger ? 'integer' : 'number';
    case 'combined':
      return node.criterion;
    case 'empty':
    case 'true':
      return 'any value';
    case 'false':
      return 'no value';
    case 'conditional':
      return 'if/then/else';
    default:
      return node.kind;
  }
}

export function emptyObjectNode(): ObjectNode {
  return {
    kind: 'object',
    hasDefault: false,
    properties: new Map(),
    required: [],
    permitsAdditionalProperties: true,
    patternProperties: [],
    propertyDependencies: new Map(),
    schemaDependencies: new Map(),
  };
}

export function emptyArrayNode(): ArrayNode {
  return { kind: 'array', hasDefault: false, permitsAdditionalItems: true, uniqueItems: false };
}

export function stringNode(): StringNode {
  return { kind: 'string', hasDefault: false };
}

export function numberNode(requiresInteger: boolean): NumberNode {
  return { kind: 'number', hasDefault: false, requiresInteger };
}

export function combinedNode(criterion: Criterion, subschemas: SchemaNode[], generated: boolean): CombinedNode {
  return { kind: 'combined', hasDefault: false, criterion, subschemas, generated };
}

/**
 * everit's `ArraySchema` constructor: a single `items` schema makes `additionalItems` irrelevant, so it
 * reports "permits additional items" regardless; otherwise a schema for extra items also permits them.
 */
export function finishArray(node: ArrayNode, additionalItemsFlag: boolean): ArrayNode {
  node.permitsAdditionalItems =
    !additionalItemsFlag && node.allItemsSchema !== undefined
      ? true
      : node.additionalItemsSchema !== undefined || additionalItemsFlag;
  return node;
}
