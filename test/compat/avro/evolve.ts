/**
 * Random Avro schemas and random evolutions of them, from a seeded PRNG, for the differential
 * test against python3-avro and for the speed comparison.
 *
 * What is generated: records nesting records, enums with and without defaults, fixed types,
 * arrays, maps, unions, logical types, primitives in both spellings, recursive records,
 * references by short and by full name, namespaces set on some named types and inherited by
 * others. An evolution applies one to three edits: fields added or removed with or without
 * defaults, fields renamed with or without aliases, defaults toggled, types promoted, demoted,
 * replaced, wrapped in or unwrapped from unions, union branches added or removed, enum symbols
 * and defaults changed, fixed sizes changed, named types renamed with or without aliases, and
 * namespaces changed.
 *
 * What is NOT generated, because python3-avro 1.11.1 (the oracle) is known to differ from Avro
 * Java there (see ../shared/conformance/avro/README.md) and Java is what herald follows:
 * - dotted `name` attributes (python compares them literally);
 * - an unqualified alias on a type that has a namespace (Java qualifies it with that namespace,
 *   python compares the raw string), so such aliases are written fully qualified instead;
 * - a short reference that only resolves through Java's fallback to the null namespace;
 * - `"namespace": ""` (python reads it as "inherit"), `error` types (Java reads them as records,
 *   python's checker raises "Unknown schema type: error") and `{"type": "SomeName"}` references
 *   (python cannot parse them);
 * - a reader field whose name and aliases match several writer fields (Java throws).
 */
import { parseAvroSchema } from '../../../generator/compat/avro/parse.js';

export type Json = unknown;
type Obj = Record<string, unknown>;

/** mulberry32: small, fast and good enough for test data. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

const PRIMITIVES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'] as const;
const NAMESPACES = ['com.acme', 'com.acme.events', 'org.example', 'x'] as const;
const SYMBOLS = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
/** For large schemas: enough symbols that enums outgrow the checker's scanning thresholds. */
const MANY_SYMBOLS = Array.from({ length: 60 }, (_, i) => `S${i}`);
const LOGICAL: Record<string, Obj> = {
  int: { type: 'int', logicalType: 'date' },
  long: { type: 'long', logicalType: 'timestamp-millis' },
  string: { type: 'string', logicalType: 'uuid' },
  bytes: { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 },
};
/** Writer type → reader types that read it, biased toward the interesting cases. */
const RETYPE: Record<string, readonly string[]> = {
  null: ['int', 'string', 'boolean'],
  boolean: ['int', 'string', 'null'],
  int: ['long', 'float', 'double', 'string', 'boolean'],
  long: ['int', 'float', 'double', 'string'],
  float: ['int', 'long', 'double'],
  double: ['float', 'long', 'int'],
  bytes: ['string', 'int', 'fixed'],
  string: ['bytes', 'int', 'boolean'],
};

interface NamedInfo {
  short: string;
  namespace: string | undefined;
  fullName: string;
  json: Obj;
}

function isObj(value: Json): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Names shared by both versions of one evolution, so that fresh names never collide. */
class Fresh {
  private n = 0;

  next(prefix: string): string {
    return `${prefix}${this.n++}`;
  }
}

class SchemaGen {
  /** Named types defined so far, in definition order, that later types may refer to. */
  private readonly named: NamedInfo[] = [];
  private readonly byFullName = new Map<string, NamedInfo>();

  constructor(
    private readonly rng: Prng,
    private readonly fresh: Fresh,
    private readonly allowReferences: boolean,
    /** Large schemas: wide records and long enums, to reach the index and map code paths. */
    private readonly large = false,
  ) {}

  record(depth: number, scope: string | undefined): Obj {
    const short = this.fresh.next('R');
    const explicit = this.rng.chance(depth === 0 ? 0.5 : 0.3) ? this.rng.pick(NAMESPACES) : undefined;
    const ns = explicit ?? scope;
    const fields: Obj[] = [];
    const json: Obj = { type: 'record', name: short, ...(explicit ? { namespace: explicit } : {}), fields };
    const self = this.define(short, ns, json);
    const count = this.large
      ? depth === 0
        ? 20 + this.rng.int(20)
        : 8 + this.rng.int(10)
      : depth === 0
        ? 2 + this.rng.int(5)
        : 1 + this.rng.int(4);
    for (let i = 0; i < count; i++) {
      const name = `f${i}`;
      if (depth > 0 && this.allowReferences && this.rng.chance(0.08)) {
        // A recursive field; the null branch keeps the data finite.
        fields.push({ name, type: ['null', this.refTo(self, ns)], default: null });
        continue;
      }
      const type = this.type(depth + 1, ns, false);
      const field: Obj = { name, type };
      if (this.rng.chance(0.4)) {
        const value = this.defaultFor(type, ns, 0);
        if (value.ok) field['default'] = value.value;
      }
      fields.push(field);
    }
    return json;
  }

  private define(short: string, ns: string | undefined, json: Obj): NamedInfo {
    const info = { short, namespace: ns, fullName: ns ? `${ns}.${short}` : short, json };
    this.named.push(info);
    this.byFullName.set(info.fullName, info);
    return info;
  }

  /** A reference python3-avro resolves the same way as Java, or undefined if there is none. */
  private refTo(info: NamedInfo, scope: string | undefined): string {
    if (info.namespace === undefined) return info.short;
    if (info.namespace === scope && this.rng.chance(0.5)) return info.short;
    return info.fullName;
  }

  type(depth: number, ns: string | undefined, inUnion: boolean): Json {
    const deep = depth >= 4;
    for (;;) {
      const roll = this.rng.int(100);
      if (roll < 38 || deep) return this.primitive(inUnion);
      if (roll < 48) return this.enumType(ns);
      if (roll < 53) return this.fixed(ns);
      if (roll < 63) return { type: 'array', items: this.type(depth + 1, ns, false) };
      if (roll < 70) return { type: 'map', values: this.type(depth + 1, ns, false) };
      if (roll < 82) {
        if (inUnion) continue;
        return this.union(depth, ns);
      }
      if (roll < 92) {
        if (depth >= 3) continue;
        return this.record(depth, ns);
      }
      const candidates = this.allowReferences
        ? this.named.filter((info) => info.namespace !== undefined || ns === undefined)
        : [];
      if (candidates.length === 0) continue;
      return this.refTo(this.rng.pick(candidates), ns);
    }
  }

  primitive(inUnion: boolean): Json {
    const name = this.rng.pick(PRIMITIVES);
    const logical = LOGICAL[name];
    if (logical && this.rng.chance(0.12)) return clone(logical);
    if (!inUnion && this.rng.chance(0.15)) return { type: name };
    return name;
  }

  enumType(ns: string | undefined): Obj {
    const short = this.fresh.next('E');
    const explicit = this.rng.chance(0.2) ? this.rng.pick(NAMESPACES) : undefined;
    const symbols = (this.large ? MANY_SYMBOLS : SYMBOLS).filter(() => this.rng.chance(0.6));
    if (symbols.length === 0) symbols.push(this.rng.pick(SYMBOLS));
    const json: Obj = { type: 'enum', name: short, ...(explicit ? { namespace: explicit } : {}), symbols };
    if (this.rng.chance(0.3)) json['default'] = this.rng.pick(symbols);
    this.define(short, explicit ?? ns, json);
    return json;
  }

  fixed(ns: string | undefined): Obj {
    const short = this.fresh.next('X');
    const explicit = this.rng.chance(0.2) ? this.rng.pick(NAMESPACES) : undefined;
    const json: Obj = { type: 'fixed', name: short, ...(explicit ? { namespace: explicit } : {}), size: this.rng.pick([2, 4, 8, 16]) };
    this.define(short, explicit ?? ns, json);
    return json;
  }

  union(depth: number, ns: string | undefined): Json[] {
    const branches: Json[] = [];
    const keys = new Set<string>();
    const wanted = 1 + this.rng.int(3);
    if (this.rng.chance(0.6)) {
      branches.push('null');
      keys.add('null');
    }
    for (let tries = 0; branches.length < wanted + 1 && tries < 10; tries++) {
      const branch = this.type(depth + 1, ns, true);
      const key = unionKey(branch, ns);
      if (keys.has(key)) continue;
      keys.add(key);
      branches.push(branch);
    }
    if (this.rng.chance(0.2)) branches.reverse();
    return branches;
  }

  /** A default value valid for `type`, or not ok when none is short enough to build. */
  defaultFor(type: Json, ns: string | undefined, depth: number): { ok: boolean; value?: Json } {
    if (depth > 4) return { ok: false };
    if (Array.isArray(type)) return type.length === 0 ? { ok: false } : this.defaultFor(type[0], ns, depth + 1);
    if (typeof type === 'string') {
      const info = this.resolve(type, ns);
      if (info) return this.defaultFor(info.json, info.namespace, depth + 1);
      return { ok: true, value: primitiveDefault(type, this.rng) };
    }
    if (!isObj(type)) return { ok: false };
    switch (type['type']) {
      case 'record': {
        const inner = (type['namespace'] as string | undefined) ?? ns;
        const value: Obj = {};
        for (const field of type['fields'] as Obj[]) {
          const sub = this.defaultFor(field['type'], inner, depth + 1);
          if (!sub.ok) return { ok: false };
          value[field['name'] as string] = sub.value;
        }
        return { ok: true, value };
      }
      case 'enum':
        return { ok: true, value: this.rng.pick(type['symbols'] as string[]) };
      case 'fixed':
        return { ok: true, value: '\u0000'.repeat(type['size'] as number) };
      case 'array': {
        if (this.rng.chance(0.5)) return { ok: true, value: [] };
        const item = this.defaultFor(type['items'], ns, depth + 1);
        return item.ok ? { ok: true, value: [item.value] } : { ok: true, value: [] };
      }
      case 'map': {
        if (this.rng.chance(0.5)) return { ok: true, value: {} };
        const item = this.defaultFor(type['values'], ns, depth + 1);
        return item.ok ? { ok: true, value: { k: item.value } } : { ok: true, value: {} };
      }
      default:
        return { ok: true, value: primitiveDefault(type['type'] as string, this.rng) };
    }
  }

  private resolve(ref: string, ns: string | undefined): NamedInfo | undefined {
    if (ref.includes('.')) return this.byFullName.get(ref);
    return this.byFullName.get(ns ? `${ns}.${ref}` : ref);
  }

  /** Makes references resolvable for defaults of a schema this generator did not build. */
  learn(schema: Json): void {
    walkTypes(schema, undefined, {
      named: (json, ns) => {
        if (!this.byFullName.has(fullNameOf(json, ns))) this.define(json['name'] as string, ownNamespace(json, ns), json);
      },
    });
  }
}

function primitiveDefault(type: string, rng: Prng): Json {
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return rng.chance(0.5);
    case 'int':
    case 'long':
      return rng.int(100);
    case 'float':
    case 'double':
      return 1.5;
    case 'bytes':
      return '\u00ff';
    default:
      return 'text';
  }
}

function primitiveOf(type: Json): string | undefined {
  const name = typeof type === 'string' ? type : isObj(type) ? type['type'] : undefined;
  return typeof name === 'string' && name in RETYPE ? name : undefined;
}

function ownNamespace(json: Obj, scope: string | undefined): string | undefined {
  return (json['namespace'] as string | undefined) ?? scope;
}

function fullNameOf(json: Obj, scope: string | undefined): string {
  const ns = ownNamespace(json, scope);
  return ns ? `${ns}.${json['name'] as string}` : (json['name'] as string);
}

function unionKey(branch: Json, ns: string | undefined): string {
  if (typeof branch === 'string') return branch.includes('.') || !PRIMITIVES.includes(branch as never) ? qualifyRef(branch, ns) : branch;
  if (isObj(branch)) {
    const type = branch['type'] as string;
    if (type === 'record' || type === 'enum' || type === 'fixed') return fullNameOf(branch, ns);
    return type;
  }
  return 'union';
}

function qualifyRef(ref: string, ns: string | undefined): string {
  return ref.includes('.') || ns === undefined ? ref : `${ns}.${ref}`;
}

// ---------------------------------------------------------------------------------------------
// Walking a schema's type positions.

/** A place that holds a type: a field's `type`, `items`, `values`, a union branch or the root. */
export interface Slot {
  get(): Json;
  set(value: Json): void;
  ns: string | undefined;
  inUnion: boolean;
  field?: Obj;
}

interface Visitors {
  slot?: (slot: Slot) => void;
  named?: (json: Obj, scope: string | undefined) => void;
  record?: (json: Obj, ns: string | undefined) => void;
  ref?: (ref: string, scope: string | undefined, slot: Slot) => void;
}

export function walkTypes(root: Json, scope: string | undefined, visit: Visitors, slot?: Slot): void {
  const here: Slot = slot ?? { get: () => root, set: () => undefined, ns: scope, inUnion: false };
  visit.slot?.(here);
  if (typeof root === 'string') {
    if (!PRIMITIVES.includes(root as never)) visit.ref?.(root, scope, here);
    return;
  }
  if (Array.isArray(root)) {
    root.forEach((_, i) => {
      walkTypes(root[i], scope, visit, { get: () => root[i], set: (v) => (root[i] = v), ns: scope, inUnion: true });
    });
    return;
  }
  if (!isObj(root)) return;
  const type = root['type'];
  if (type === 'record' || type === 'enum' || type === 'fixed') {
    visit.named?.(root, scope);
  }
  if (type === 'record') {
    const ns = ownNamespace(root, scope);
    visit.record?.(root, ns);
    for (const field of root['fields'] as Obj[]) {
      walkTypes(field['type'], ns, visit, {
        get: () => field['type'],
        set: (v) => (field['type'] = v),
        ns,
        inUnion: false,
        field,
      });
    }
  } else if (type === 'array') {
    walkTypes(root['items'], scope, visit, { get: () => root['items'], set: (v) => (root['items'] = v), ns: scope, inUnion: false });
  } else if (type === 'map') {
    walkTypes(root['values'], scope, visit, { get: () => root['values'], set: (v) => (root['values'] = v), ns: scope, inUnion: false });
  }
}

/**
 * True when python3-avro resolves every reference as Java does and no excluded construct is
 * present: a short reference must resolve in its own namespace (python has no null-namespace
 * fallback) and no type with a namespace may carry an unqualified alias.
 */
export function oracleSafe(schema: Json): boolean {
  const defined = new Set<string>();
  let safe = true;
  walkTypes(schema, undefined, {
    named: (json, scope) => {
      defined.add(fullNameOf(json, scope));
      const ns = ownNamespace(json, scope);
      const aliases = (json['aliases'] as string[] | undefined) ?? [];
      if (ns !== undefined && aliases.some((alias) => !alias.includes('.'))) safe = false;
    },
    ref: (ref, scope) => {
      if (!defined.has(qualifyRef(ref, scope))) safe = false;
    },
  });
  return safe;
}

function valid(schema: Json): boolean {
  try {
    parseAvroSchema(schema);
    return oracleSafe(schema);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Evolutions.

export interface Evolution {
  before: Json;
  after: Json;
  edits: string[];
}

type Edit = (schema: Json) => string | undefined;

class Evolver {
  private readonly gen: SchemaGen;

  constructor(
    private readonly rng: Prng,
    private readonly fresh: Fresh,
    schema: Json,
  ) {
    // New types made by edits define fresh names and never refer to existing ones.
    this.gen = new SchemaGen(rng, fresh, false);
    this.gen.learn(schema);
  }

  private records(schema: Json): { json: Obj; ns: string | undefined }[] {
    const out: { json: Obj; ns: string | undefined }[] = [];
    walkTypes(schema, undefined, { record: (json, ns) => out.push({ json, ns }) });
    return out;
  }

  private slots(schema: Json): Slot[] {
    const out: Slot[] = [];
    walkTypes(schema, undefined, { slot: (slot) => out.push(slot) });
    return out.slice(1); // not the root: the root stays a record
  }

  private named(schema: Json, kind?: string): { json: Obj; scope: string | undefined }[] {
    const out: { json: Obj; scope: string | undefined }[] = [];
    walkTypes(schema, undefined, { named: (json, scope) => (!kind || json['type'] === kind ? out.push({ json, scope }) : 0) });
    return out;
  }

  private refreshDefault(field: Obj | undefined, ns: string | undefined): void {
    if (!field || !('default' in field)) return;
    const value = this.gen.defaultFor(field['type'], ns, 0);
    if (value.ok) field['default'] = value.value;
    else delete field['default'];
  }

  readonly edits: Record<string, Edit> = {
    addField: (schema) => {
      const { json, ns } = this.rng.pick(this.records(schema));
      const type = this.gen.type(2, ns, false);
      const field: Obj = { name: this.fresh.next('n'), type };
      const withDefault = this.rng.chance(0.5);
      if (withDefault) {
        const value = this.gen.defaultFor(type, ns, 0);
        if (value.ok) field['default'] = value.value;
      }
      (json['fields'] as Obj[]).splice(this.rng.int((json['fields'] as Obj[]).length + 1), 0, field);
      return `add field ${field['name'] as string}${'default' in field ? ' with default' : ''}`;
    },
    removeField: (schema) => {
      const candidates = this.records(schema).filter(({ json }) => (json['fields'] as Obj[]).length > 0);
      if (candidates.length === 0) return undefined;
      const { json } = this.rng.pick(candidates);
      const fields = json['fields'] as Obj[];
      const [removed] = fields.splice(this.rng.int(fields.length), 1);
      return `remove field ${removed?.['name'] as string}`;
    },
    renameField: (schema) => {
      const candidates = this.records(schema).filter(({ json }) => (json['fields'] as Obj[]).length > 0);
      if (candidates.length === 0) return undefined;
      const { json } = this.rng.pick(candidates);
      const field = this.rng.pick(json['fields'] as Obj[]);
      const old = field['name'] as string;
      field['name'] = this.fresh.next('m');
      const alias = this.rng.chance(0.7);
      if (alias) field['aliases'] = this.rng.chance(0.3) ? [this.fresh.next('unused'), old] : [old];
      return `rename field ${old} to ${field['name'] as string}${alias ? ' with alias' : ''}`;
    },
    toggleDefault: (schema) => {
      const fields = this.records(schema).flatMap(({ json, ns }) => (json['fields'] as Obj[]).map((field) => ({ field, ns })));
      if (fields.length === 0) return undefined;
      const { field, ns } = this.rng.pick(fields);
      if ('default' in field) {
        delete field['default'];
        return `drop default of ${field['name'] as string}`;
      }
      const value = this.gen.defaultFor(field['type'], ns, 0);
      if (!value.ok) return undefined;
      field['default'] = value.value;
      return `add default to ${field['name'] as string}`;
    },
    retype: (schema) => {
      const slots = this.slots(schema);
      if (slots.length === 0) return undefined;
      // Half the time a primitive, so that promotions and demotions come up often.
      const primitives = slots.filter((slot) => primitiveOf(slot.get()) !== undefined);
      const slot = this.rng.pick(primitives.length > 0 && this.rng.chance(0.5) ? primitives : slots);
      const prim = primitiveOf(slot.get());
      let next: Json;
      let what: string;
      if (prim !== undefined && this.rng.chance(0.8)) {
        const target = this.rng.pick(RETYPE[prim] as readonly string[]);
        next = target === 'fixed' ? this.gen.fixed(slot.ns) : target;
        what = `${prim} -> ${target}`;
      } else {
        next = this.gen.type(2, slot.ns, slot.inUnion);
        what = 'replace type';
      }
      slot.set(next);
      this.refreshDefault(slot.field, slot.ns);
      return `retype: ${what}`;
    },
    wrapInUnion: (schema) => {
      const slots = this.slots(schema).filter((slot) => !slot.inUnion && !Array.isArray(slot.get()));
      if (slots.length === 0) return undefined;
      const slot = this.rng.pick(slots);
      const current = slot.get();
      if (current === 'null' || (isObj(current) && current['type'] === 'null')) return undefined;
      const nullFirst = this.rng.chance(0.6);
      slot.set(nullFirst ? ['null', current] : [current, 'null']);
      if (slot.field && nullFirst && ('default' in slot.field || this.rng.chance(0.5))) slot.field['default'] = null;
      return `wrap in union (null ${nullFirst ? 'first' : 'last'})`;
    },
    unwrapUnion: (schema) => {
      const slots = this.slots(schema).filter((slot) => Array.isArray(slot.get()) && (slot.get() as Json[]).length > 0);
      if (slots.length === 0) return undefined;
      const slot = this.rng.pick(slots);
      slot.set(this.rng.pick(slot.get() as Json[]));
      this.refreshDefault(slot.field, slot.ns);
      return 'unwrap union';
    },
    editUnion: (schema) => {
      const slots = this.slots(schema).filter((slot) => Array.isArray(slot.get()));
      if (slots.length === 0) return undefined;
      const slot = this.rng.pick(slots);
      const branches = slot.get() as Json[];
      if (branches.length > 1 && this.rng.chance(0.5)) {
        branches.splice(this.rng.int(branches.length), 1);
        this.refreshDefault(slot.field, slot.ns);
        return 'remove union branch';
      }
      const keys = new Set(branches.map((b) => unionKey(b, slot.ns)));
      const branch = this.gen.type(3, slot.ns, true);
      if (keys.has(unionKey(branch, slot.ns))) return undefined;
      branches.splice(this.rng.int(branches.length + 1), 0, branch);
      this.refreshDefault(slot.field, slot.ns);
      return 'add union branch';
    },
    editEnum: (schema) => {
      const enums = this.named(schema, 'enum');
      if (enums.length === 0) return undefined;
      const { json } = this.rng.pick(enums);
      const symbols = json['symbols'] as string[];
      const roll = this.rng.int(3);
      if (roll === 0) {
        const symbol = this.rng.chance(0.5) ? this.rng.pick(SYMBOLS) : this.fresh.next('S');
        if (symbols.includes(symbol)) return undefined;
        symbols.splice(this.rng.int(symbols.length + 1), 0, symbol);
        return `add symbol ${symbol}`;
      }
      if (roll === 1 && symbols.length > 1) {
        const [removed] = symbols.splice(this.rng.int(symbols.length), 1);
        if (json['default'] === removed) json['default'] = symbols[0];
        return `remove symbol ${removed as string}`;
      }
      if ('default' in json) {
        delete json['default'];
        return 'drop enum default';
      }
      json['default'] = this.rng.pick(symbols);
      return 'add enum default';
    },
    resizeFixed: (schema) => {
      const fixed = this.named(schema, 'fixed');
      if (fixed.length === 0) return undefined;
      const { json } = this.rng.pick(fixed);
      json['size'] = (json['size'] as number) * 2;
      return 'resize fixed';
    },
    renameNamed: (schema) => {
      const named = this.named(schema);
      if (named.length === 0) return undefined;
      const { json, scope } = this.rng.pick(named);
      const oldShort = json['name'] as string;
      const oldFull = fullNameOf(json, scope);
      const ns = ownNamespace(json, scope);
      const newShort = this.fresh.next(`${oldShort[0] as string}n`);
      const newFull = ns ? `${ns}.${newShort}` : newShort;
      json['name'] = newShort;
      walkTypes(schema, undefined, {
        ref: (ref, _scope, slot) => {
          if (ref === oldShort) slot.set(newShort);
          else if (ref === oldFull) slot.set(newFull);
        },
      });
      // Aliases name the old full name; an unqualified one only where Java and python agree.
      const alias = this.rng.chance(0.6);
      if (alias) json['aliases'] = [oldFull];
      return `rename ${json['type'] as string} ${oldFull} to ${newFull}${alias ? ' with alias' : ''}`;
    },
    moveNamespace: (schema) => {
      const named = this.named(schema);
      if (named.length === 0) return undefined;
      const { json } = this.rng.pick(named);
      const options = [undefined, ...NAMESPACES].filter((ns) => ns !== json['namespace']);
      const next = this.rng.pick(options);
      if (next === undefined) delete json['namespace'];
      else json['namespace'] = next;
      return `move ${json['name'] as string} to namespace ${next ?? '(inherited)'}`;
    },
  };
}

const EDIT_WEIGHTS: [string, number][] = [
  ['addField', 14],
  ['removeField', 10],
  ['renameField', 8],
  ['toggleDefault', 8],
  ['retype', 22],
  ['wrapInUnion', 7],
  ['unwrapUnion', 5],
  ['editUnion', 7],
  ['editEnum', 10],
  ['resizeFixed', 3],
  ['renameNamed', 7],
  ['moveNamespace', 5],
];
const TOTAL_WEIGHT = EDIT_WEIGHTS.reduce((sum, [, w]) => sum + w, 0);

function pickEdit(rng: Prng): string {
  let roll = rng.int(TOTAL_WEIGHT);
  for (const [name, weight] of EDIT_WEIGHTS) {
    if (roll < weight) return name;
    roll -= weight;
  }
  return 'retype';
}

/** A random schema and a random valid evolution of it (or an unchanged copy, rarely). */
export function randomEvolution(rng: Prng, large = false): Evolution {
  for (;;) {
    const fresh = new Fresh();
    const before = new SchemaGen(rng, fresh, true, large).record(0, undefined);
    if (!valid(before)) continue;
    const evolver = new Evolver(rng, fresh, before);
    let after: Json = clone(before);
    const edits: string[] = [];
    const wanted = 1 + rng.int(3);
    for (let tries = 0; edits.length < wanted && tries < 20; tries++) {
      const attempt = clone(after);
      const name = pickEdit(rng);
      const what = evolver.edits[name]?.(attempt);
      // An edit that breaks the schema (a removed definition still referred to, say) or leads
      // into a construct the oracle gets wrong is dropped.
      if (what === undefined || !valid(attempt)) continue;
      after = attempt;
      edits.push(what);
    }
    return { before, after, edits };
  }
}
