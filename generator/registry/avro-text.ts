/**
 * Avro schema text as Confluent keeps it: validated by a real parser (avsc), stored in the form
 * Avro Java's `Schema.toString()` prints, so that schemas differing only in key order, whitespace
 * or redundant namespaces get one id, and read back the way Confluent users expect.
 */
import avro from 'avsc';
import { isLosslessObject, LosslessNumber, type LosslessObject, type LosslessValue } from './lossless-json.js';

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
/** Attributes Avro Java consumes itself; every other attribute is a custom property it keeps. */
const SCHEMA_RESERVED = new Set(['doc', 'fields', 'items', 'name', 'namespace', 'size', 'symbols', 'values', 'type', 'aliases']);
const ENUM_RESERVED = new Set([...SCHEMA_RESERVED, 'default']);
const FIELD_RESERVED = new Set(['default', 'doc', 'name', 'order', 'type', 'aliases']);
const NAMED = new Set(['record', 'error', 'enum', 'fixed']);

/** An Avro schema this one references, already resolved (with its own references, depth first). */
export interface AvroDependency {
  key: string;
  schema: LosslessValue;
  dependencies: AvroDependency[];
}

interface NamedDefinition {
  space: string | undefined;
  short: string;
  full: string;
}

function definitionName(node: LosslessObject, space: string | undefined): NamedDefinition | undefined {
  const name = node['name'];
  if (typeof name !== 'string') return undefined;
  const dot = name.lastIndexOf('.');
  const explicit = node['namespace'];
  const own = dot >= 0 ? name.slice(0, dot) : typeof explicit === 'string' ? explicit || undefined : space;
  const short = dot >= 0 ? name.slice(dot + 1) : name;
  return { space: own, short, full: own ? `${own}.${short}` : short };
}

function namespaceOf(full: string): string | undefined {
  const dot = full.lastIndexOf('.');
  return dot >= 0 ? full.slice(0, dot) : undefined;
}

function shortOf(full: string): string {
  return full.slice(full.lastIndexOf('.') + 1);
}

/** Avro Java's `Name.getQualified`: the short name when the namespace is the enclosing one. */
function qualified(full: string, space: string | undefined): string {
  const ns = namespaceOf(full);
  return ns === undefined || ns === space ? shortOf(full) : full;
}

/** Avro Java's `Names.get`: a short name means the enclosing namespace first, then the null namespace. */
function resolveName(name: string, space: string | undefined, known: ReadonlySet<string>): string {
  if (name.includes('.') || !space) return name;
  const inSpace = `${space}.${name}`;
  return known.has(inSpace) || !known.has(name) ? inSpace : name;
}

/** Every named type a schema defines, in definition order. */
export function definedAvroNames(schema: LosslessValue): string[] {
  const names: string[] = [];
  const walk = (node: LosslessValue, space: string | undefined): void => {
    if (Array.isArray(node)) {
      node.forEach((branch) => walk(branch, space));
      return;
    }
    if (!isLosslessObject(node)) return;
    const type = node['type'];
    if (typeof type === 'string' && NAMED.has(type)) {
      const def = definitionName(node, space);
      if (!def) return;
      names.push(def.full);
      if (Array.isArray(node['fields'])) {
        for (const field of node['fields']) if (isLosslessObject(field) && field['type'] !== undefined) walk(field['type'], def.space);
      }
      return;
    }
    if (type === 'array' && node['items'] !== undefined) walk(node['items'], space);
    else if (type === 'map' && node['values'] !== undefined) walk(node['values'], space);
    else if (type !== undefined && typeof type !== 'string') walk(type, space);
  };
  walk(schema, undefined);
  return names;
}

function dependencyNames(dependencies: readonly AvroDependency[], into = new Set<string>()): Set<string> {
  for (const dep of dependencies) {
    dependencyNames(dep.dependencies, into);
    for (const name of definedAvroNames(dep.schema)) into.add(name);
  }
  return into;
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
/** avsc's own limit for longs held in numbers. */
const AVSC_SAFE_LONG = 2 ** 52;

/**
 * Plain JSON for avsc. avsc holds longs in JS numbers and so rejects defaults beyond 2^53 that
 * Avro Java (and Confluent) accept; such a literal within the 64-bit range is handed to avsc as
 * avsc's largest long of its sign, so the check is about structure, as in Java.
 */
function forAvsc(value: LosslessValue): unknown {
  if (value instanceof LosslessNumber) {
    if (/^-?\d+$/.test(value.raw)) {
      const n = BigInt(value.raw);
      const unsafe = n > BigInt(AVSC_SAFE_LONG) || n < BigInt(-AVSC_SAFE_LONG);
      if (unsafe && n <= INT64_MAX && n >= INT64_MIN) return n > 0n ? AVSC_SAFE_LONG : -AVSC_SAFE_LONG;
    }
    return Number(value.raw);
  }
  if (Array.isArray(value)) return value.map(forAvsc);
  if (isLosslessObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // Java reads a field's order in any case; avsc only in lower case.
      const plain = k === 'order' && typeof v === 'string' ? v.toLowerCase() : forAvsc(v);
      Object.defineProperty(out, k, { value: plain, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/**
 * Parses with avsc, the referenced schemas first into one registry as Confluent pre-loads them,
 * so named types from references resolve. Returns the parser's message on failure.
 */
export function validateAvro(schema: LosslessValue, dependencies: readonly AvroDependency[]): string | undefined {
  const registry: Record<string, avro.Type> = {};
  const loaded = new Set<string>();
  const load = (deps: readonly AvroDependency[]): void => {
    for (const dep of deps) {
      if (loaded.has(dep.key)) continue;
      loaded.add(dep.key);
      load(dep.dependencies);
      avro.Type.forSchema(forAvsc(dep.schema) as avro.Schema, { registry, noAnonymousTypes: true });
    }
  };
  try {
    load(dependencies);
  } catch (error) {
    return `in a referenced schema: ${messageOf(error)}`;
  }
  try {
    avro.Type.forSchema(forAvsc(schema) as avro.Schema, { registry, noAnonymousTypes: true });
  } catch (error) {
    return messageOf(error);
  }
  if (typeof schema === 'string' || isLosslessObject(schema) || Array.isArray(schema)) return undefined;
  return 'an Avro schema is a JSON string, object or array';
}

/**
 * Avro Java's `Schema.toString()`: fixed attribute order, namespaces only where they differ from
 * the enclosing one, named types written out once and referred to by name afterwards, custom
 * properties kept and attributes Java drops (a `doc` on a primitive) dropped. `normalize` also
 * sorts custom properties, so their order stops mattering too.
 */
export function canonicalAvro(schema: LosslessValue, dependencies: readonly AvroDependency[], normalize: boolean): LosslessValue {
  const external = dependencyNames(dependencies);
  const known = new Set([...external, ...definedAvroNames(schema)]);
  const defined = new Set<string>(external);
  const props = (node: LosslessObject, reserved: ReadonlySet<string>, out: LosslessObject): void => {
    const keys = Object.keys(node).filter((k) => !reserved.has(k));
    if (normalize) keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const key of keys) set(out, key, node[key] as LosslessValue);
  };
  const write = (node: LosslessValue, space: string | undefined): LosslessValue => {
    if (typeof node === 'string') return PRIMITIVES.has(node) ? node : qualified(resolveName(node, space, known), space);
    if (Array.isArray(node)) return node.map((branch) => write(branch, space));
    if (!isLosslessObject(node)) return node;
    const type = node['type'];
    if (typeof type !== 'string') return type === undefined ? node : write(type, space);
    if (PRIMITIVES.has(type)) {
      const out: LosslessObject = { type };
      props(node, SCHEMA_RESERVED, out);
      return Object.keys(out).length === 1 ? type : out;
    }
    if (type === 'array' || type === 'map') {
      const out: LosslessObject = { type };
      const child = type === 'array' ? 'items' : 'values';
      if (node[child] !== undefined) set(out, child, write(node[child] as LosslessValue, space));
      props(node, SCHEMA_RESERVED, out);
      return out;
    }
    if (!NAMED.has(type)) return qualified(resolveName(type, space, known), space);
    const def = definitionName(node, space);
    if (!def) return node;
    if (defined.has(def.full)) return qualified(def.full, space);
    defined.add(def.full);
    const out: LosslessObject = { type };
    set(out, 'name', def.short);
    if (def.space !== undefined) {
      if (def.space !== space) set(out, 'namespace', def.space);
    } else if (space !== undefined) {
      set(out, 'namespace', '');
    }
    if (typeof node['doc'] === 'string') set(out, 'doc', node['doc']);
    if (type === 'record' || type === 'error') {
      const fields = Array.isArray(node['fields']) ? node['fields'] : [];
      set(
        out,
        'fields',
        fields.map((field) => (isLosslessObject(field) ? writeField(field, def.space) : field)),
      );
      props(node, SCHEMA_RESERVED, out);
    } else if (type === 'enum') {
      if (node['symbols'] !== undefined) set(out, 'symbols', node['symbols']);
      if (node['default'] !== undefined) set(out, 'default', node['default']);
      props(node, ENUM_RESERVED, out);
    } else {
      if (node['size'] !== undefined) set(out, 'size', node['size']);
      props(node, SCHEMA_RESERVED, out);
    }
    const aliases = node['aliases'];
    if (Array.isArray(aliases) && aliases.length > 0) {
      const written = aliases.map((a) => (typeof a === 'string' ? qualified(a.includes('.') || !def.space ? a : `${def.space}.${a}`, def.space) : a));
      set(out, 'aliases', written);
    }
    return out;
  };
  const writeField = (field: LosslessObject, space: string | undefined): LosslessObject => {
    const out: LosslessObject = {};
    if (field['name'] !== undefined) set(out, 'name', field['name']);
    if (field['type'] !== undefined) set(out, 'type', write(field['type'], space));
    if (typeof field['doc'] === 'string') set(out, 'doc', field['doc']);
    if (field['default'] !== undefined) set(out, 'default', field['default']);
    const order = field['order'];
    if (typeof order === 'string' && order.toLowerCase() !== 'ascending') set(out, 'order', order.toLowerCase());
    const aliases = field['aliases'];
    if (Array.isArray(aliases) && aliases.length > 0) set(out, 'aliases', aliases);
    props(field, FIELD_RESERVED, out);
    return out;
  };
  return write(schema, undefined);
}

/**
 * The schema with every referenced named type written inline at its first use, so a checker that
 * knows nothing about references sees one self-contained schema, as Avro Java does after parsing.
 */
export function inlineAvroReferences(schema: LosslessValue, dependencies: readonly AvroDependency[]): LosslessValue {
  const definitions = new Map<string, LosslessObject>();
  const collect = (deps: readonly AvroDependency[]): void => {
    for (const dep of deps) {
      collect(dep.dependencies);
      collectDefinitions(dep.schema, undefined, definitions);
    }
  };
  collect(dependencies);
  if (definitions.size === 0) return schema;
  const known = new Set([...definitions.keys(), ...definedAvroNames(schema)]);
  const defined = new Set<string>();
  const walk = (node: LosslessValue, space: string | undefined): LosslessValue => {
    if (typeof node === 'string') {
      if (PRIMITIVES.has(node)) return node;
      const full = resolveName(node, space, known);
      const definition = definitions.get(full);
      if (!definition || defined.has(full)) return node;
      return walk(definition, space);
    }
    if (Array.isArray(node)) return node.map((branch) => walk(branch, space));
    if (!isLosslessObject(node)) return node;
    const type = node['type'];
    const out: LosslessObject = { ...node };
    if (typeof type === 'string' && NAMED.has(type)) {
      const def = definitionName(node, space);
      if (!def) return node;
      defined.add(def.full);
      // Pin the namespace, which would otherwise be inherited from wherever the type was inlined.
      set(out, 'name', def.full);
      delete out['namespace'];
      if (Array.isArray(node['fields'])) {
        set(
          out,
          'fields',
          node['fields'].map((field) =>
            isLosslessObject(field) && field['type'] !== undefined ? { ...field, type: walk(field['type'], def.space) } : field,
          ),
        );
      }
      return def.space ? out : withNullNamespace(out, space);
    }
    if (type === 'array' && node['items'] !== undefined) set(out, 'items', walk(node['items'], space));
    else if (type === 'map' && node['values'] !== undefined) set(out, 'values', walk(node['values'], space));
    else if (typeof type === 'string' && !PRIMITIVES.has(type) && !['array', 'map'].includes(type)) return walk(type, space);
    else if (type !== undefined && typeof type !== 'string') set(out, 'type', walk(type, space));
    return out;
  };
  return walk(schema, undefined);
}

function withNullNamespace(node: LosslessObject, space: string | undefined): LosslessObject {
  if (space) set(node, 'namespace', '');
  return node;
}

function collectDefinitions(node: LosslessValue, space: string | undefined, into: Map<string, LosslessObject>): void {
  if (Array.isArray(node)) {
    node.forEach((branch) => collectDefinitions(branch, space, into));
    return;
  }
  if (!isLosslessObject(node)) return;
  const type = node['type'];
  if (typeof type === 'string' && NAMED.has(type)) {
    const def = definitionName(node, space);
    if (!def) return;
    // Stored with a full name so it means the same wherever it is inlined.
    const pinned: LosslessObject = { ...node };
    set(pinned, 'name', def.full);
    delete pinned['namespace'];
    if (!into.has(def.full)) into.set(def.full, def.space ? pinned : { ...pinned, namespace: '' });
    if (Array.isArray(node['fields'])) {
      for (const field of node['fields']) if (isLosslessObject(field) && field['type'] !== undefined) collectDefinitions(field['type'], def.space, into);
    }
    return;
  }
  if (type === 'array' && node['items'] !== undefined) collectDefinitions(node['items'], space, into);
  else if (type === 'map' && node['values'] !== undefined) collectDefinitions(node['values'], space, into);
  else if (type !== undefined && typeof type !== 'string') collectDefinitions(type, space, into);
}

function set(object: LosslessObject, key: string, value: LosslessValue): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

