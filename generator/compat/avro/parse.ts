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
 */
import {
  type AvroName,
  InvalidNameError,
  isPrimitiveType,
  isValidName,
  makeName,
  NameTable,
  type PrimitiveType,
  qualifyAliases,
} from './names.js';

interface NodeBase {
  /** Position in its schema's node list; the walk keys its memo on (reader id, writer id). */
  id: number;
  /** JSON pointer of the node's definition in its schema. */
  ptr: string;
}

export interface PrimitiveNode extends NodeBase {
  type: PrimitiveType;
}

export interface ArrayNode extends NodeBase {
  type: 'array';
  items: AvroNode;
  /** Pointer of the `items` occurrence, which may be a reference to a named type defined elsewhere. */
  itemsAt: string;
}

export interface MapNode extends NodeBase {
  type: 'map';
  values: AvroNode;
  valuesAt: string;
}

export interface UnionNode extends NodeBase {
  type: 'union';
  branches: AvroNode[];
  branchesAt: string[];
}

interface NamedBase extends NodeBase {
  name: AvroName;
  /** Full names of the aliases, qualified as Avro Java does. */
  aliases: ReadonlySet<string>;
}

export interface RecordField {
  name: string;
  /** Field aliases are plain strings without namespaces. */
  aliases: readonly string[];
  type: AvroNode;
  hasDefault: boolean;
  /** Pointer of the field object. */
  ptr: string;
  /** Pointer of the field's `type` occurrence. */
  typeAt: string;
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
  /** The JSON it was parsed from, which messages read field names from. */
  json: unknown;
  root: AvroNode;
  /** Number of nodes, so memo keys can be packed into one number. */
  size: number;
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

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const hasOwn = Object.prototype.hasOwnProperty;

class Parser {
  private readonly names = new NameTable<NamedNode>();
  private count = 0;

  constructor(private readonly role: string | undefined) {}

  run(json: unknown): ParsedSchema {
    const root = this.parse(json, '', undefined);
    return { json, root, size: this.count };
  }

  private fail(pointer: string, reason: string): never {
    throw new AvroSchemaError(pointer, reason, this.role);
  }

  private nextId(): number {
    return this.count++;
  }

  private parse(json: unknown, ptr: string, namespace: string | undefined): AvroNode {
    if (typeof json === 'string') return this.reference(json, ptr, namespace);
    if (Array.isArray(json)) return this.union(json, ptr, namespace);
    if (!isObject(json)) return this.fail(ptr, `expected a type name, an object or a union array, got ${describeJson(json)}`);
    const type = json['type'];
    if (typeof type !== 'string') {
      return this.fail(ptr, type === undefined ? 'the object has no "type"' : `"type" must be a string, got ${describeJson(type)}`);
    }
    switch (type) {
      case 'record':
      case 'error': // Java reads an `error` as a record type; only protocols give it meaning.
        return this.record(json, ptr, namespace);
      case 'enum':
        return this.enumType(json, ptr, namespace);
      case 'fixed':
        return this.fixed(json, ptr, namespace);
      case 'array': {
        if (!hasOwn.call(json, 'items')) return this.fail(ptr, 'an array has no "items"');
        const id = this.nextId();
        const itemsAt = `${ptr}/items`;
        const items = this.parse(json['items'], itemsAt, namespace);
        return { type: 'array', id, ptr, items, itemsAt };
      }
      case 'map': {
        if (!hasOwn.call(json, 'values')) return this.fail(ptr, 'a map has no "values"');
        const id = this.nextId();
        const valuesAt = `${ptr}/values`;
        const values = this.parse(json['values'], valuesAt, namespace);
        return { type: 'map', id, ptr, values, valuesAt };
      }
      default:
        // `{"type": "int", "logicalType": ...}` or `{"type": "SomeRecord"}`. Logical types do not
        // take part in schema resolution, so they are not even looked at.
        return this.reference(type, `${ptr}/type`, namespace);
    }
  }

  private reference(name: string, ptr: string, namespace: string | undefined): AvroNode {
    if (isPrimitiveType(name)) return { type: name, id: this.nextId(), ptr };
    let found: NamedNode | undefined;
    try {
      found = this.names.resolve(name, namespace);
    } catch {
      found = undefined;
    }
    if (found === undefined) {
      const where = namespace === undefined ? '' : ` (looked in namespace \`${namespace}\` and the null namespace)`;
      return this.fail(ptr, `\`${name}\` is neither a primitive type nor a named type defined before this point${where}`);
    }
    return found;
  }

  private union(json: unknown[], ptr: string, namespace: string | undefined): UnionNode {
    const id = this.nextId();
    const branches: AvroNode[] = [];
    const branchesAt: string[] = [];
    // Java keys union branches by full name for named types and by type name otherwise, so a
    // union may not hold two arrays, two maps, or the same named type twice.
    const seen: string[] = [];
    for (let i = 0; i < json.length; i++) {
      const at = `${ptr}/${i}`;
      if (Array.isArray(json[i])) this.fail(at, 'a union may not directly contain another union');
      const branch = this.parse(json[i], at, namespace);
      const key = branchKey(branch);
      if (seen.includes(key)) this.fail(at, `the union already has a \`${key}\` branch`);
      seen.push(key);
      branches.push(branch);
      branchesAt.push(at);
    }
    return { type: 'union', id, ptr, branches, branchesAt };
  }

  private name(json: JsonObject, ptr: string, namespace: string | undefined): AvroName {
    const raw = json['name'];
    if (typeof raw !== 'string') return this.fail(`${ptr}/name`, 'a named type needs a string "name"');
    const ns = json['namespace'];
    if (ns !== undefined && typeof ns !== 'string') return this.fail(`${ptr}/namespace`, '"namespace" must be a string');
    let name: AvroName;
    try {
      name = makeName(raw, ns ?? namespace);
    } catch (error) {
      return this.fail(`${ptr}/name`, (error as Error).message);
    }
    if (isPrimitiveType(name.fullName)) return this.fail(`${ptr}/name`, `a named type may not be called \`${name.fullName}\``);
    return name;
  }

  private aliases(json: JsonObject, ptr: string): string[] {
    const raw = json['aliases'];
    if (raw === undefined) return [];
    if (!Array.isArray(raw)) return this.fail(`${ptr}/aliases`, '"aliases" must be an array of strings');
    for (let i = 0; i < raw.length; i++) {
      if (typeof raw[i] !== 'string') this.fail(`${ptr}/aliases/${i}`, 'an alias must be a string');
    }
    return raw as string[];
  }

  private namedAliases(json: JsonObject, ptr: string, name: AvroName): ReadonlySet<string> {
    const raw = this.aliases(json, ptr);
    if (raw.length === 0) return EMPTY_SET;
    try {
      return qualifyAliases(raw, name);
    } catch (error) {
      return this.fail(`${ptr}/aliases`, (error as Error).message);
    }
  }

  private define(name: AvroName, node: NamedNode, ptr: string): void {
    try {
      this.names.define(name, node);
    } catch (error) {
      if (error instanceof InvalidNameError) this.fail(`${ptr}/name`, error.message);
      throw error;
    }
  }

  private record(json: JsonObject, ptr: string, namespace: string | undefined): RecordNode {
    const name = this.name(json, ptr, namespace);
    const rawFields = json['fields'];
    if (!Array.isArray(rawFields)) return this.fail(`${ptr}/fields`, 'a record needs a "fields" array');
    const fields: RecordField[] = [];
    const node: RecordNode = {
      type: 'record',
      id: this.nextId(),
      ptr,
      name,
      aliases: this.namedAliases(json, ptr, name),
      fields,
      fieldIndex: undefined,
    };
    // Defined before its fields are parsed, so that the record can refer to itself.
    this.define(name, node, ptr);
    for (let i = 0; i < rawFields.length; i++) {
      const fieldPtr = `${ptr}/fields/${i}`;
      const raw: unknown = rawFields[i];
      if (!isObject(raw)) this.fail(fieldPtr, 'a field must be an object with "name" and "type"');
      const fieldName = raw['name'];
      if (typeof fieldName !== 'string') this.fail(`${fieldPtr}/name`, 'a field needs a string "name"');
      if (!isValidName(fieldName)) this.fail(`${fieldPtr}/name`, `\`${fieldName}\` is not a valid Avro field name`);
      if (findField(node, fieldName) !== undefined) this.fail(`${fieldPtr}/name`, `the record already has a field \`${fieldName}\``);
      if (!hasOwn.call(raw, 'type')) this.fail(fieldPtr, `field \`${fieldName}\` has no "type"`);
      const order = raw['order'];
      if (order !== undefined && order !== 'ascending' && order !== 'descending' && order !== 'ignore') {
        this.fail(`${fieldPtr}/order`, '"order" must be "ascending", "descending" or "ignore"');
      }
      const typeAt = `${fieldPtr}/type`;
      const field: RecordField = {
        name: fieldName,
        aliases: this.aliases(raw, fieldPtr),
        // Nested definitions inherit the record's own namespace, which may come from a dotted name.
        type: this.parse(raw['type'], typeAt, name.namespace),
        // `"default": null` is a default; only an absent key is not.
        hasDefault: hasOwn.call(raw, 'default'),
        ptr: fieldPtr,
        typeAt,
      };
      fields.push(field);
      if (node.fieldIndex !== undefined) node.fieldIndex.set(fieldName, field);
    }
    return node;
  }

  private enumType(json: JsonObject, ptr: string, namespace: string | undefined): EnumNode {
    const name = this.name(json, ptr, namespace);
    const raw = json['symbols'];
    if (!Array.isArray(raw)) return this.fail(`${ptr}/symbols`, 'an enum needs a "symbols" array');
    const symbols = raw as string[];
    for (let i = 0; i < symbols.length; i++) {
      const symbol: unknown = symbols[i];
      if (typeof symbol !== 'string' || !isValidName(symbol)) {
        this.fail(`${ptr}/symbols/${i}`, `${describeJson(symbol)} is not a valid enum symbol`);
      }
      if (symbols.indexOf(symbol) < i) this.fail(`${ptr}/symbols/${i}`, `symbol \`${symbol}\` appears twice`);
    }
    const def = json['default'];
    if (def !== undefined && (typeof def !== 'string' || !symbols.includes(def))) {
      this.fail(`${ptr}/default`, `the enum default ${describeJson(def)} is not one of its symbols`);
    }
    const node: EnumNode = {
      type: 'enum',
      id: this.nextId(),
      ptr,
      name,
      aliases: this.namedAliases(json, ptr, name),
      symbols,
      default: def,
    };
    this.define(name, node, ptr);
    return node;
  }

  private fixed(json: JsonObject, ptr: string, namespace: string | undefined): FixedNode {
    const name = this.name(json, ptr, namespace);
    const size = json['size'];
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > 0x7fffffff) {
      return this.fail(`${ptr}/size`, 'a fixed type needs a non-negative integer "size"');
    }
    const node: FixedNode = {
      type: 'fixed',
      id: this.nextId(),
      ptr,
      name,
      aliases: this.namedAliases(json, ptr, name),
      size,
    };
    this.define(name, node, ptr);
    return node;
  }
}

const EMPTY_SET: ReadonlySet<string> = new Set();

/** Records up to this many fields are scanned; larger ones get a name index. */
const SCAN_LIMIT = 12;

/** The field of `record` called `name`. */
export function findField(record: RecordNode, name: string): RecordField | undefined {
  const fields = record.fields;
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
