/**
 * Random valid values for a schema, in the representation herald's runtime hands over: Avro
 * values as generated types describe them (decimal strings, tagged ambiguous unions, Buffers), JSON
 * values as `JSON.parse` yields them. Recursion is bounded (avsc's own `Type#random()` overflows
 * on the recursive Clause of ContractCreated.v2). A seeded generator keeps failures reproducible.
 */
import { describeBranch, isAmbiguousUnion, isPrimitiveName, isValidDecimal, qualify, unionTags } from '../../runtime/codec/avro-unions.js';
import { SeededRandom } from '../support/random.js';

type Json = unknown;
type JsonObject = Record<string, Json>;

/** Test values on top of the shared seeded generator. */
export class Random extends SeededRandom {
  string(maxLength = 12): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.*/"\\\'äöü€😀\n';
    const chars = [...alphabet];
    let out = '';
    const length = this.int(0, maxLength);
    for (let i = 0; i < length; i++) out += this.pick(chars);
    return out;
  }
  buffer(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = this.int(0, 255);
    return out;
  }
  uuid(): string {
    const hex = () => this.int(0, 15).toString(16);
    const part = (n: number) => Array.from({ length: n }, hex).join('');
    return `${part(8)}-${part(4)}-4${part(3)}-${this.pick(['8', '9', 'a', 'b'])}${part(3)}-${part(12)}`;
  }
}

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const MAX_DEPTH = 4;

/** Random values for an Avro schema as herald's generated types describe them. */
export function avroRandom(schema: Json, random: Random): unknown {
  const named = new Map<string, JsonObject>();
  const index = (node: Json, namespace: string | undefined): void => {
    if (Array.isArray(node)) return node.forEach((n) => index(n, namespace));
    if (!isObject(node)) return;
    const type = node['type'];
    if (typeof node['name'] === 'string' && (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed')) {
      const ns = typeof node['namespace'] === 'string' ? node['namespace'] : namespace;
      const fullName = qualify(node['name'], ns);
      named.set(fullName, node);
      const inner = fullName.includes('.') ? fullName.slice(0, fullName.lastIndexOf('.')) : undefined;
      if (Array.isArray(node['fields'])) for (const field of node['fields']) if (isObject(field)) index(field['type'], inner);
      return;
    }
    if (type === 'array') index(node['items'], namespace);
    else if (type === 'map') index(node['values'], namespace);
    else if (isObject(type) || Array.isArray(type)) index(type, namespace);
  };
  index(schema, undefined);
  const namespaces = new Map<JsonObject, string | undefined>();
  for (const [fullName, node] of named) namespaces.set(node, fullName.includes('.') ? fullName.slice(0, fullName.lastIndexOf('.')) : undefined);

  const value = (node: Json, namespace: string | undefined, depth: number): unknown => {
    if (typeof node === 'string') {
      if (isPrimitiveName(node)) return primitive(node, undefined);
      const target = named.get(qualify(node, namespace))!;
      return value(target, namespace, depth);
    }
    if (Array.isArray(node)) return union(node, namespace, depth);
    const object = node as JsonObject;
    const type = object['type'];
    if (typeof type !== 'string') return value(type, namespace, depth);
    switch (type) {
      case 'record':
      case 'error': {
        const inner = namespaces.get(object);
        const out: Record<string, unknown> = {};
        for (const field of object['fields'] as JsonObject[]) out[String(field['name'])] = value(field['type'], inner, depth + 1);
        return out;
      }
      case 'enum':
        return random.pick(object['symbols'] as string[]);
      case 'fixed':
        if (object['logicalType'] === 'decimal' && isValidDecimal(object)) return decimal(object);
        return random.buffer(Number(object['size']));
      case 'array': {
        const count = depth >= MAX_DEPTH ? 0 : random.int(0, 3);
        return Array.from({ length: count }, () => value(object['items'], namespace, depth + 1));
      }
      case 'map': {
        const count = depth >= MAX_DEPTH ? 0 : random.int(0, 3);
        const out: Record<string, unknown> = {};
        for (let i = 0; i < count; i++) out[`k${i}${random.string(4)}`] = value(object['values'], namespace, depth + 1);
        return out;
      }
      default:
        if (!isPrimitiveName(type)) return value(type, namespace, depth);
        return primitive(type, object);
    }
  };

  const decimal = (node: JsonObject): string => {
    const precision = Number(node['precision']);
    const scale = Number(node['scale'] ?? 0);
    const digits = random.int(1, precision);
    let text = String(random.int(1, 9));
    for (let i = 1; i < digits; i++) text += String(random.int(0, 9));
    if (random.next() < 0.1) text = '0';
    const padded = text.padStart(scale + 1, '0');
    const formatted = scale ? `${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}` : padded;
    return text !== '0' && random.bool() ? `-${formatted}` : formatted;
  };

  const primitive = (type: string, node: JsonObject | undefined): unknown => {
    const logical = node?.['logicalType'];
    switch (type) {
      case 'null':
        return null;
      case 'boolean':
        return random.bool();
      case 'int':
        return logical === 'date' ? random.int(-30000, 60000) : random.int(-0x80000000, 0x7fffffff);
      case 'long':
        return random.int(-(2 ** 52), 2 ** 52);
      case 'float':
        return Math.fround((random.next() - 0.5) * 1e6) || 1;
      case 'double':
        return (random.next() - 0.5) * 1e12 || 1;
      case 'bytes':
        return node && logical === 'decimal' && isValidDecimal(node) ? decimal(node) : random.buffer(random.int(0, 8));
      default:
        return logical === 'uuid' ? random.uuid() : random.string();
    }
  };

  const union = (branches: Json[], namespace: string | undefined, depth: number): unknown => {
    const described = branches.map((b) => describeBranch(b, namespace, (fullName) => {
      const target = named.get(fullName);
      return target ? { typeName: String(target['type']), logical: false } : undefined;
    }));
    let i = random.int(0, branches.length - 1);
    if (depth >= MAX_DEPTH) {
      const nullIndex = described.findIndex((b) => b.name === 'null');
      if (nullIndex >= 0) i = nullIndex;
    }
    const branchValue = value(branches[i], namespace, depth + 1);
    if (!isAmbiguousUnion(described) || described[i]!.name === 'null') return branchValue;
    return { kind: unionTags(described.map((b) => b.name))[i], value: branchValue };
  };

  return value(schema, undefined, 0);
}

/** A string matching a simple regular expression (classes, groups, alternation, quantifiers). */
export function stringForPattern(pattern: string, random: Random): string {
  let pos = 0;
  const src = pattern;
  type Node = () => string;
  const parseAlternation = (): Node => {
    const options: Node[] = [parseSequence()];
    while (src[pos] === '|') {
      pos++;
      options.push(parseSequence());
    }
    return () => random.pick(options)();
  };
  const parseSequence = (): Node => {
    const items: Node[] = [];
    while (pos < src.length && src[pos] !== '|' && src[pos] !== ')') {
      let atom = parseAtom();
      atom = parseQuantifier(atom);
      items.push(atom);
    }
    return () => items.map((item) => item()).join('');
  };
  const classFor = (escape: string): string[] => {
    if (escape === 'd') return [...'0123456789'];
    if (escape === 'w') return [...'abcxyzABCXYZ0189_'];
    if (escape === 's') return [' '];
    return [escape];
  };
  const parseAtom = (): Node => {
    const char = src[pos++]!;
    if (char === '^' || char === '$') return () => '';
    if (char === '(') {
      if (src[pos] === '?' && src[pos + 1] === ':') pos += 2;
      const inner = parseAlternation();
      pos++; // ')'
      return inner;
    }
    if (char === '[') {
      const chars: string[] = [];
      while (src[pos] !== ']') {
        let c = src[pos++]!;
        if (c === '\\') {
          chars.push(...classFor(src[pos++]!));
          continue;
        }
        if (src[pos] === '-' && src[pos + 1] !== ']') {
          const end = src[pos + 1]!;
          pos += 2;
          for (let code = c.charCodeAt(0); code <= end.charCodeAt(0); code++) chars.push(String.fromCharCode(code));
          continue;
        }
        chars.push(c);
        c = '';
      }
      pos++;
      return () => random.pick(chars);
    }
    if (char === '\\') {
      const options = classFor(src[pos++]!);
      return () => random.pick(options);
    }
    if (char === '.') return () => random.pick([...'abc']);
    return () => char;
  };
  const parseQuantifier = (atom: Node): Node => {
    const char = src[pos];
    let min = 1;
    let max = 1;
    if (char === '?') [min, max] = [0, 1];
    else if (char === '*') [min, max] = [0, 3];
    else if (char === '+') [min, max] = [1, 3];
    else if (char === '{') {
      const end = src.indexOf('}', pos);
      const [a, b] = src.slice(pos + 1, end).split(',');
      min = Number(a);
      max = b === undefined ? min : b === '' ? min + 3 : Number(b);
      pos = end;
    } else return atom;
    pos++;
    return () => {
      const count = random.int(min, Math.min(max, min + 4));
      let out = '';
      for (let i = 0; i < count; i++) out += atom();
      return out;
    };
  };
  return parseAlternation()();
}

/**
 * Random candidate values for a JSON Schema. Properties with a `default` are always present (so a
 * decoded value, which gets defaults filled in, equals the encoded one); callers keep candidates
 * the schema's validator accepts, which takes care of `anyOf` constraints and the like.
 */
export function jsonRandom(root: JsonObject, random: Random): unknown {
  const resolve = (ref: string): Json => {
    let node: Json = root;
    for (const segment of ref.replace(/^#\//, '').split('/')) node = (node as JsonObject)[segment];
    return node;
  };
  const value = (schema: Json, depth: number): unknown => {
    if (schema === true || schema === undefined) return random.string();
    if (!isObject(schema)) return null;
    if (typeof schema['$ref'] === 'string') return value(resolve(schema['$ref']), depth);
    if ('const' in schema) return schema['const'];
    if (Array.isArray(schema['enum'])) return random.pick(schema['enum']);
    for (const keyword of ['oneOf', 'anyOf'] as const) {
      const list = schema[keyword];
      if (Array.isArray(list) && !isObject(schema['properties'])) return value(random.pick(list), depth + 1);
    }
    const types = Array.isArray(schema['type']) ? (schema['type'] as string[]) : typeof schema['type'] === 'string' ? [schema['type']] : ['object'];
    const type = depth >= MAX_DEPTH && types.includes('null') ? 'null' : random.pick(types);
    switch (type) {
      case 'null':
        return null;
      case 'boolean':
        return random.bool();
      case 'integer':
      case 'number': {
        const min = typeof schema['minimum'] === 'number' ? schema['minimum'] : -1e6;
        const max = typeof schema['maximum'] === 'number' ? schema['maximum'] : 1e6;
        return type === 'integer' ? random.int(Math.ceil(min), Math.floor(max)) : min + random.next() * (max - min);
      }
      case 'string':
        return stringFor(schema);
      case 'array': {
        const minItems = Number(schema['minItems'] ?? 0);
        const maxItems = Math.min(Number(schema['maxItems'] ?? 3), minItems + 3);
        const count = depth >= MAX_DEPTH ? minItems : random.int(minItems, maxItems);
        const items: unknown[] = [];
        const seen = new Set<string>();
        for (let attempt = 0; items.length < count && attempt < 20; attempt++) {
          const item = value(schema['items'], depth + 1);
          const id = JSON.stringify(item);
          if (schema['uniqueItems'] && seen.has(id)) continue;
          seen.add(id);
          items.push(item);
        }
        return items;
      }
      default: {
        const out: Record<string, unknown> = {};
        const properties = isObject(schema['properties']) ? schema['properties'] : {};
        const required = new Set(Array.isArray(schema['required']) ? (schema['required'] as string[]) : []);
        for (const [name, prop] of Object.entries(properties)) {
          if (required.has(name) || (isObject(prop) && 'default' in prop) || random.bool()) out[name] = value(prop, depth + 1);
        }
        if (isObject(schema['additionalProperties']) && Object.keys(properties).length === 0) {
          const count = depth >= MAX_DEPTH ? 0 : random.int(0, 3);
          const namePattern = isObject(schema['propertyNames']) && typeof schema['propertyNames']['pattern'] === 'string' ? schema['propertyNames']['pattern'] : '^[a-z]{1,8}$';
          for (let i = 0; i < count; i++) out[stringForPattern(namePattern, random)] = value(schema['additionalProperties'], depth + 1);
        }
        return out;
      }
    }
  };
  const stringFor = (schema: JsonObject): string => {
    switch (schema['format']) {
      case 'uuid':
        return random.uuid();
      case 'email':
        return `${stringForPattern('^[a-z]{1,10}(\\.[a-z0-9]{1,5})?$', random)}@${stringForPattern('^[a-z]{2,8}$', random)}.example`;
      case 'date':
        return `${random.int(1970, 2099)}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`;
      case 'date-time':
        return new Date(random.int(0, 4_000_000_000) * 1000 + random.int(0, 999)).toISOString();
      default:
        break;
    }
    if (typeof schema['pattern'] === 'string') return stringForPattern(schema['pattern'], random);
    const min = Number(schema['minLength'] ?? 0);
    const max = Math.min(Number(schema['maxLength'] ?? 20), min + 20);
    let text = random.string(max);
    while ([...text].length < min) text += 'x';
    return [...text].slice(0, max).join('');
  };
  return value(root, 0);
}

/** A value as a TypeScript expression, to check that a generated type accepts what the runtime decodes. */
export function tsLiteral(value: unknown): string {
  if (value === null) return 'null';
  if (Buffer.isBuffer(value)) return `Buffer.from(${JSON.stringify(value.toString('hex'))}, 'hex')`;
  if (Array.isArray(value)) return `[${value.map(tsLiteral).join(', ')}]`;
  if (typeof value === 'object') return `{ ${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}: ${tsLiteral(v)}`).join(', ')} }`;
  if (typeof value === 'number') return Object.is(value, -0) ? '0' : String(value);
  return JSON.stringify(value);
}
