/**
 * A quick answer to "would avsc's `Type.forSchema` accept this schema?" that never says yes
 * wrongly. avsc compiles reader, writer, checker and constructor functions for every type it
 * parses, which makes parsing a contract cost milliseconds, while a contract only needs to be
 * checked. This walk mirrors avsc 5.7's checks (names, namespaces, references, fields, symbols,
 * sizes, unions, defaults) for the schemas contracts are made of; anything it does not fully model
 * (aliases, record, bytes or fixed defaults, unusual shapes) answers "not sure", and the caller then
 * asks avsc itself, which also locates and words the problem. So lint diagnostics stay avsc's.
 */

type Json = unknown;
type JsonObject = Record<string, Json>;

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** avsc's `isSafeLong` bound: it refuses longs it cannot hold exactly in a double. */
const MAX_SAFE_LONG = 9007199254740990;

class Unsure extends Error {}

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unsure(): never {
  throw new Unsure();
}

/** avsc's `maybeQualify`: primitives stay global, other names get the namespace and must be valid. */
function qualify(name: string, namespace: string | undefined): string {
  const short = name.slice(name.lastIndexOf('.') + 1);
  if (PRIMITIVES.has(short)) return short;
  let full = name;
  if (name.includes('.')) full = name.replace(/^\./, '');
  else if (namespace) full = `${namespace}.${name}`;
  for (const part of full.split('.')) if (!NAME.test(part)) unsure();
  return full;
}

/** What a default value is checked against: a schema node with the namespace it was defined in. */
interface Resolved {
  node: Json;
  namespace: string | undefined;
}

class Checker {
  /** Named types by full name, as avsc's registry holds them. */
  private readonly named = new Map<string, Resolved>();

  /** Checks a schema node; returns its union branch name (avsc's `branchName`). */
  schema(node: Json, namespace: string | undefined): string {
    if (typeof node === 'string') {
      const name = qualify(node, namespace);
      if (PRIMITIVES.has(name)) return name;
      if (!this.named.has(name)) unsure();
      return name;
    }
    if (Array.isArray(node)) {
      this.union(node, namespace);
      return 'union';
    }
    if (!isObject(node)) return unsure();
    const type = node['type'];
    if (typeof type !== 'string') return unsure();
    if (PRIMITIVES.has(type)) return type;
    switch (type) {
      case 'record':
        return this.record(node, namespace);
      case 'enum':
        return this.define(node, node['namespace'] ?? namespace, namespace, () => this.enumSymbols(node));
      case 'fixed':
        return this.define(node, node['namespace'] ?? namespace, namespace, () => {
          const size = node['size'];
          if (typeof size !== 'number' || size !== (size | 0) || size < 0) unsure();
        });
      case 'array':
        if (!node['items']) unsure();
        this.schema(node['items'], namespace);
        return 'array';
      case 'map':
        if (!node['values']) unsure();
        this.schema(node['values'], namespace);
        return 'map';
      default:
        return unsure();
    }
  }

  /** Registers a named type the way avsc's `Type` constructor does, before its body is checked (recursion). */
  private define(node: JsonObject, own: Json, namespace: string | undefined, body: () => void): string {
    const name = node['name'];
    // Contracts name their types; anonymous ones and aliases are left to avsc.
    if (typeof name !== 'string' || node['aliases'] !== undefined) unsure();
    if (own !== undefined && typeof own !== 'string') unsure();
    const full = qualify(name, own);
    if (PRIMITIVES.has(full) || this.named.has(full)) unsure();
    this.named.set(full, { node, namespace });
    body();
    return full;
  }

  private enumSymbols(node: JsonObject): void {
    const symbols = node['symbols'];
    if (!Array.isArray(symbols) || symbols.length === 0) unsure();
    // A plain object, as in avsc: a symbol named like an Object.prototype member counts as a duplicate there too.
    const indices: Record<string, number> = {};
    symbols.forEach((symbol, i) => {
      if (typeof symbol !== 'string' || !NAME.test(symbol) || indices[symbol] !== undefined) unsure();
      indices[symbol] = i;
    });
    if (node['default'] !== undefined && (typeof node['default'] !== 'string' || indices[node['default']] === undefined)) unsure();
  }

  private record(node: JsonObject, namespace: string | undefined): string {
    // A record's own namespace (explicit, or implied by a dotted name) applies to its fields and to its name.
    let inner: Json = namespace;
    if (node['namespace'] !== undefined) inner = node['namespace'];
    else if (typeof node['name'] === 'string') inner = /^(.*)\.[^.]+$/.exec(node['name'])?.[1] ?? namespace;
    if (inner !== undefined && typeof inner !== 'string') return unsure();
    const fields = node['fields'];
    const fieldNamespace = inner;
    return this.define(node, inner, namespace, () => {
      if (!Array.isArray(fields)) unsure();
      const seen = new Set<unknown>();
      for (const field of fields) {
        if (!isObject(field)) unsure();
        const name = field['name'];
        if (typeof name !== 'string' || !NAME.test(name) || seen.has(name)) unsure();
        seen.add(name);
        if (field['aliases'] !== undefined) unsure();
        const order = field['order'];
        if (order !== undefined && order !== 'ascending' && order !== 'descending' && order !== 'ignore') unsure();
        this.schema(field['type'], fieldNamespace);
        if (field['default'] !== undefined) this.value(field['type'], fieldNamespace, field['default']);
      }
    });
  }

  private union(branches: Json[], namespace: string | undefined): void {
    if (branches.length === 0) unsure();
    const seen: Record<string, number> = {};
    branches.forEach((branch, i) => {
      if (Array.isArray(branch)) unsure();
      const name = this.schema(branch, namespace);
      if (seen[name] !== undefined) unsure();
      seen[name] = i;
    });
  }

  /** The schema a node stands for, following a reference to a named type. */
  private resolve(node: Json, namespace: string | undefined): Resolved {
    if (typeof node !== 'string') return { node, namespace };
    const name = qualify(node, namespace);
    if (PRIMITIVES.has(name)) return { node: { type: name }, namespace };
    return this.named.get(name) ?? unsure();
  }

  /** Checks a default value as avsc does (`_copy` with `coerce: 2, wrap: 2`): a union's default is its first branch's. */
  private value(type: Json, namespace: string | undefined, value: Json): void {
    const { node, namespace: ns } = this.resolve(type, namespace);
    if (Array.isArray(node)) return this.value(node[0], ns, value);
    if (!isObject(node)) return unsure();
    switch (node['type']) {
      case 'null':
        if (value !== null) unsure();
        return;
      case 'boolean':
        if (typeof value !== 'boolean') unsure();
        return;
      case 'int':
        if (value !== ((value as number) | 0)) unsure();
        return;
      case 'long':
        if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > MAX_SAFE_LONG) unsure();
        return;
      case 'float':
      case 'double':
        if (typeof value !== 'number') unsure();
        return;
      case 'string':
        if (typeof value !== 'string') unsure();
        return;
      case 'enum': {
        const symbols = node['symbols'] as string[];
        if (typeof value !== 'string' || !symbols.includes(value)) unsure();
        return;
      }
      case 'array':
        if (!Array.isArray(value)) unsure();
        for (const item of value) this.value(node['items'], ns, item);
        return;
      case 'map':
        if (!isObject(value)) unsure();
        for (const item of Object.values(value)) this.value(node['values'], ns, item);
        return;
      default:
        unsure();
    }
  }
}

/** `true` only when avsc would certainly accept the schema; `false` means "ask avsc". */
export function certainlyValidAvro(schema: Json): boolean {
  try {
    new Checker().schema(schema, undefined);
    return true;
  } catch (error) {
    if (error instanceof Unsure) return false;
    throw error;
  }
}
