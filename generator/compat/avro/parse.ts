/**
 * Turns a parsed-JSON Avro schema into a graph the compatibility walk can use.
 *
 * Every JSON occurrence of an unnamed type becomes its own node and every reference to a named
 * type resolves to the node of its definition. That is exactly the object identity Avro Java's
 * parser produces, and the compatibility walk memoizes on it, so recursion and repeated types
 * behave as they do in Java.
 *
 * Validation follows Avro Java's `Schema.Parser` where it matters for resolution (names,
 * references, unions, enum symbols, fixed sizes). Default values are only checked for presence:
 * Confluent does not validate the defaults of stored schemas either, and the linter validates
 * them for new ones.
 *
 * Locations are kept as links to the enclosing node or field plus a token, and turned into JSON
 * pointers only for a finding or an error: parsing is most of the cost of a check, and nearly
 * all locations are never asked for.
 */
import {
  AvroName,
  InvalidNameError,
  isPrimitiveType,
  isValidName,
  makeName,
  NameTable,
  primitiveType,
  type PrimitiveType,
  qualifyAliases,
} from './names.js';

/** What encloses a type: a node (array, map, union) or a record field; undefined at the root. */
export type Container = AvroNode | RecordField;

interface Located {
  /** The enclosing node or field and the token under it; for a named type, where it is defined. */
  parent: Container | undefined;
  token: string | number;
}

interface NodeBase extends Located {
  /**
   * Number of a complex node (everything but primitives) in its schema, -1 for a primitive.
   * The walk keys its memo on (reader id, writer id); a pair with a primitive in it cannot
   * recurse, so it is never memoized and primitives need no number.
   */
  id: number;
}

export interface PrimitiveNode extends NodeBase {
  type: PrimitiveType;
}

export interface ArrayNode extends NodeBase {
  type: 'array';
  items: AvroNode;
}

export interface MapNode extends NodeBase {
  type: 'map';
  values: AvroNode;
}

export interface UnionNode extends NodeBase {
  type: 'union';
  branches: AvroNode[];
}

interface NamedBase extends NodeBase {
  name: AvroName;
  /** Full names of the aliases, qualified as Avro Java does. */
  aliases: ReadonlySet<string>;
}

export interface RecordField extends Located {
  /** Tells a field from a node when a location is turned into a pointer. */
  kind: 'field';
  parent: RecordNode;
  /** The field's position in the record. */
  token: number;
  name: string;
  /** Field aliases are plain strings without namespaces. */
  aliases: readonly string[];
  type: AvroNode;
  hasDefault: boolean;
}

export interface RecordNode extends NamedBase {
  type: 'record';
  fields: RecordField[];
  /** Built on first use for records too large to scan; see `findField`. */
  fieldIndex: Map<string, RecordField> | undefined;
}

export interface EnumNode extends NamedBase {
  type: 'enum';
  symbols: readonly string[];
  default: string | undefined;
}

export interface FixedNode extends NamedBase {
  type: 'fixed';
  size: number;
}

export type NamedNode = RecordNode | EnumNode | FixedNode;
export type AvroNode = PrimitiveNode | ArrayNode | MapNode | UnionNode | NamedNode;

export interface ParsedSchema {
  root: AvroNode;
  /** Number of complex nodes, so memo keys can be packed into one number. */
  size: number;
}

/** The JSON pointer of `token` under `container` (of the root when both are undefined). */
export function pointerOf(container: Container | undefined, token?: string | number): string {
  let pointer = token === undefined || (container === undefined && token === '') ? '' : `/${token}`;
  let at = container;
  while (at !== undefined) {
    if (at.parent !== undefined || at.token !== '') pointer = `${isField(at) ? '/fields' : ''}/${at.token}${pointer}`;
    at = at.parent;
  }
  return pointer;
}

function isField(container: Container): container is RecordField {
  return (container as RecordField).kind === 'field';
}

/** The JSON pointer of a node's own position: its definition, for a named type. */
export function nodePointer(node: AvroNode): string {
  return pointerOf(node.parent, node.token);
}

/** An Avro schema that Avro Java would refuse; `pointer` says where, in the schema given. */
export class AvroSchemaError extends Error {
  constructor(
    readonly pointer: string,
    readonly reason: string,
    readonly role?: string,
  ) {
    super(`invalid Avro ${role ? `${role} ` : ''}schema at \`${pointer || '/'}\`: ${reason}`);
    this.name = 'AvroSchemaError';
  }
}

type JsonObject = Record<string, unknown>;

const NO_STRINGS: readonly string[] = Object.freeze([]);
const NO_ALIASES: ReadonlySet<string> = new Set();

class Parser {
  private readonly names = new NameTable<NamedNode>();
  private count = 0;

  constructor(private readonly role: string | undefined) {}

  run(json: unknown): ParsedSchema {
    const root = this.parse(json, undefined, '', undefined);
    return { root, size: this.count };
  }

  private fail(parent: Container | undefined, token: string | number, reason: string): never {
    throw new AvroSchemaError(parent === undefined && token === '' ? '' : pointerOf(parent, token), reason, this.role);
  }

  /** Fails at `suffix` inside the type being parsed at (parent, token). */
  private failIn(parent: Container | undefined, token: string | number, suffix: string, reason: string): never {
    const base = parent === undefined && token === '' ? '' : pointerOf(parent, token);
    throw new AvroSchemaError(`${base}/${suffix}`, reason, this.role);
  }

  /** Parses the type at `token` under `parent`; `namespace` is the enclosing one. */
  private parse(json: unknown, parent: Container | undefined, token: string | number, namespace: string | undefined): AvroNode {
    if (typeof json === 'string') return this.reference(json, parent, token, namespace, undefined);
    if (typeof json !== 'object' || json === null) {
      return this.fail(parent, token, `expected a type name, an object or a union array, got ${describeJson(json)}`);
    }
    if (Array.isArray(json)) return this.union(json, parent, token, namespace);
    const object = json as JsonObject;
    const type = object['type'];
    if (typeof type !== 'string') {
      const reason = type === undefined ? 'the object has no "type"' : `"type" must be a string, got ${describeJson(type)}`;
      return this.fail(parent, token, reason);
    }
    switch (type) {
      case 'record':
      case 'error': // Java reads an `error` as a record type; only protocols give it meaning.
        return this.record(object, parent, token, namespace);
      case 'enum':
        return this.enumType(object, parent, token, namespace);
      case 'fixed':
        return this.fixed(object, parent, token, namespace);
      case 'array': {
        const items = object['items'];
        if (items === undefined) return this.fail(parent, token, 'an array has no "items"');
        const node: ArrayNode = { type: 'array', id: this.count++, parent, token, items: PLACEHOLDER };
        node.items = this.parse(items, node, 'items', namespace);
        return node;
      }
      case 'map': {
        const values = object['values'];
        if (values === undefined) return this.fail(parent, token, 'a map has no "values"');
        const node: MapNode = { type: 'map', id: this.count++, parent, token, values: PLACEHOLDER };
        node.values = this.parse(values, node, 'values', namespace);
        return node;
      }
      default:
        // `{"type": "int", "logicalType": ...}` or `{"type": "SomeRecord"}`. Logical types do not
        // take part in schema resolution, so they are not even looked at.
        return this.reference(type, parent, token, namespace, 'type');
    }
  }

  private reference(
    name: string,
    parent: Container | undefined,
    token: string | number,
    namespace: string | undefined,
    suffix: string | undefined,
  ): AvroNode {
    const primitive = primitiveType(name);
    if (primitive !== undefined) return { type: primitive, id: -1, parent, token };
    const found = this.names.resolve(name, namespace);
    if (found !== undefined) return found;
    const where = namespace === undefined ? '' : ` (looked in namespace \`${namespace}\` and the null namespace)`;
    const reason = `\`${name}\` is neither a primitive type nor a named type defined before this point${where}`;
    return suffix === undefined ? this.fail(parent, token, reason) : this.failIn(parent, token, suffix, reason);
  }

  private union(json: unknown[], parent: Container | undefined, token: string | number, namespace: string | undefined): UnionNode {
    const branches: AvroNode[] = [];
    const node: UnionNode = { type: 'union', id: this.count++, parent, token, branches };
    for (let i = 0; i < json.length; i++) {
      if (Array.isArray(json[i])) this.fail(node, i, 'a union may not directly contain another union');
      const branch = this.parse(json[i], node, i, namespace);
      for (const other of branches) {
        if (sameBranchKey(branch, other)) this.fail(node, i, `the union already has a \`${branchKey(branch)}\` branch`);
      }
      branches.push(branch);
    }
    return node;
  }

  private name(json: JsonObject, parent: Container | undefined, token: string | number, namespace: string | undefined): AvroName {
    const raw = json['name'];
    if (typeof raw !== 'string') return this.failIn(parent, token, 'name', 'a named type needs a string "name"');
    const ns = json['namespace'];
    if (ns !== undefined && typeof ns !== 'string') return this.failIn(parent, token, 'namespace', '"namespace" must be a string');
    let name: AvroName;
    try {
      name = makeName(raw, ns ?? namespace);
    } catch (error) {
      return this.failIn(parent, token, 'name', (error as Error).message);
    }
    if (name.namespace === undefined && isPrimitiveType(name.name)) {
      return this.failIn(parent, token, 'name', `a named type may not be called \`${name.name}\``);
    }
    return name;
  }

  /** Checks an `aliases` value found at `suffix` inside the type or field at (parent, token). */
  private aliases(raw: unknown, parent: Container | undefined, token: string | number, suffix: string): readonly string[] {
    if (!Array.isArray(raw)) return this.failIn(parent, token, suffix, '"aliases" must be an array of strings');
    for (let i = 0; i < raw.length; i++) {
      if (typeof raw[i] !== 'string') this.failIn(parent, token, `${suffix}/${i}`, 'an alias must be a string');
    }
    return raw as string[];
  }

  private namedAliases(json: JsonObject, parent: Container | undefined, token: string | number, name: AvroName): ReadonlySet<string> {
    const value = json['aliases'];
    if (value === undefined) return NO_ALIASES;
    const raw = this.aliases(value, parent, token, 'aliases');
    try {
      return qualifyAliases(raw, name);
    } catch (error) {
      return this.failIn(parent, token, 'aliases', (error as Error).message);
    }
  }

  private define(name: AvroName, node: NamedNode): void {
    try {
      this.names.define(name, node);
    } catch (error) {
      if (error instanceof InvalidNameError) this.failIn(node.parent, node.token, 'name', error.message);
      throw error;
    }
  }

  private record(json: JsonObject, parent: Container | undefined, token: string | number, namespace: string | undefined): RecordNode {
    const name = this.name(json, parent, token, namespace);
    const rawFields = json['fields'];
    if (!Array.isArray(rawFields)) return this.failIn(parent, token, 'fields', 'a record needs a "fields" array');
    const fields: RecordField[] = [];
    const node: RecordNode = {
      type: 'record',
      id: this.count++,
      parent,
      token,
      name,
      aliases: this.namedAliases(json, parent, token, name),
      fields,
      fieldIndex: undefined,
    };
    // Defined before its fields are parsed, so that the record can refer to itself.
    this.define(name, node);
    for (let i = 0; i < rawFields.length; i++) {
      const raw: unknown = rawFields[i];
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        this.failIn(node, 'fields', String(i), 'a field must be an object with "name" and "type"');
      }
      const object = raw as JsonObject;
      const fieldName = object['name'];
      if (typeof fieldName !== 'string') this.failIn(node, 'fields', `${i}/name`, 'a field needs a string "name"');
      if (!isValidName(fieldName)) this.failIn(node, 'fields', `${i}/name`, `\`${fieldName}\` is not a valid Avro field name`);
      if (findField(node, fieldName) !== undefined) {
        this.failIn(node, 'fields', `${i}/name`, `the record already has a field \`${fieldName}\``);
      }
      const type = object['type'];
      if (type === undefined) this.failIn(node, 'fields', String(i), `field \`${fieldName}\` has no "type"`);
      const order = object['order'];
      if (order !== undefined && order !== 'ascending' && order !== 'descending' && order !== 'ignore') {
        this.failIn(node, 'fields', `${i}/order`, '"order" must be "ascending", "descending" or "ignore"');
      }
      const fieldAliases = object['aliases'];
      const field: RecordField = {
        kind: 'field',
        parent: node,
        token: i,
        name: fieldName,
        aliases: fieldAliases === undefined ? NO_STRINGS : this.aliases(fieldAliases, node, 'fields', `${i}/aliases`),
        type: PLACEHOLDER,
        // `"default": null` is a default; only an absent key is not.
        hasDefault: object['default'] !== undefined || 'default' in object,
      };
      // Nested definitions inherit the record's own namespace, which may come from a dotted name.
      field.type = this.parse(type, field, 'type', name.namespace);
      fields.push(field);
      if (node.fieldIndex !== undefined) node.fieldIndex.set(fieldName, field);
    }
    return node;
  }

  private enumType(json: JsonObject, parent: Container | undefined, token: string | number, namespace: string | undefined): EnumNode {
    const name = this.name(json, parent, token, namespace);
    const raw = json['symbols'];
    if (!Array.isArray(raw)) return this.failIn(parent, token, 'symbols', 'an enum needs a "symbols" array');
    const symbols = raw as string[];
    // Duplicates are found by scanning in short lists and with a set in long ones.
    const seen = symbols.length > 32 ? new Set<string>() : undefined;
    for (let i = 0; i < symbols.length; i++) {
      const symbol: unknown = symbols[i];
      if (typeof symbol !== 'string' || !isValidName(symbol)) {
        this.failIn(parent, token, `symbols/${i}`, `${describeJson(symbol)} is not a valid enum symbol`);
      }
      if (seen ? seen.has(symbol) : symbols.indexOf(symbol) < i) {
        this.failIn(parent, token, `symbols/${i}`, `symbol \`${symbol}\` appears twice`);
      }
      seen?.add(symbol);
    }
    const def = json['default'];
    if (def !== undefined && (typeof def !== 'string' || !symbols.includes(def))) {
      this.failIn(parent, token, 'default', `the enum default ${describeJson(def)} is not one of its symbols`);
    }
    const node: EnumNode = {
      type: 'enum',
      id: this.count++,
      parent,
      token,
      name,
      aliases: this.namedAliases(json, parent, token, name),
      symbols,
      default: def,
    };
    this.define(name, node);
    return node;
  }

  private fixed(json: JsonObject, parent: Container | undefined, token: string | number, namespace: string | undefined): FixedNode {
    const name = this.name(json, parent, token, namespace);
    const size = json['size'];
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > 0x7fffffff) {
      return this.failIn(parent, token, 'size', 'a fixed type needs a non-negative integer "size"');
    }
    const node: FixedNode = {
      type: 'fixed',
      id: this.count++,
      parent,
      token,
      name,
      aliases: this.namedAliases(json, parent, token, name),
      size,
    };
    this.define(name, node);
    return node;
  }
}

/** Stands in for a child type until it is parsed, so that nodes keep one shape. */
const PLACEHOLDER: AvroNode = Object.freeze({ type: 'null', id: -1, parent: undefined, token: '' });

/** Records up to this many fields are scanned; larger ones get a name index. */
const SCAN_LIMIT = 12;

/**
 * The field of `record` called `name`. `hint` is where to look first: a reader field's own
 * position, since most fields keep their place from one version to the next.
 */
export function findField(record: RecordNode, name: string, hint = -1): RecordField | undefined {
  const fields = record.fields;
  // Bounds checked first: reading outside an array's elements is a slow path in V8.
  if (hint >= 0 && hint < fields.length) {
    const likely = fields[hint] as RecordField;
    if (likely.name === name) return likely;
  }
  if (fields.length <= SCAN_LIMIT) {
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i] as RecordField;
      if (field.name === name) return field;
    }
    return undefined;
  }
  let index = record.fieldIndex;
  if (index === undefined) {
    index = new Map();
    for (const field of fields) index.set(field.name, field);
    record.fieldIndex = index;
  }
  return index.get(name);
}

/**
 * Java keys union branches by full name for named types and by type name otherwise, so a union
 * may not hold two arrays, two maps, or the same named type twice.
 */
function sameBranchKey(a: AvroNode, b: AvroNode): boolean {
  const aNamed = a.type === 'record' || a.type === 'enum' || a.type === 'fixed';
  const bNamed = b.type === 'record' || b.type === 'enum' || b.type === 'fixed';
  if (aNamed !== bNamed) return false;
  if (!aNamed) return a.type === b.type;
  const x = (a as NamedNode).name;
  const y = (b as NamedNode).name;
  return x.name === y.name && x.namespace === y.namespace;
}

function branchKey(node: AvroNode): string {
  switch (node.type) {
    case 'record':
    case 'enum':
    case 'fixed':
      return node.name.fullName;
    default:
      return node.type;
  }
}

function describeJson(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Parses one schema. `role` ("reader", "writer", a version label) only goes into error messages.
 * Throws `AvroSchemaError` for a schema Avro would refuse.
 */
export function parseAvroSchema(json: unknown, role?: string): ParsedSchema {
  return new Parser(role).run(json);
}
