/**
 * Flattens a schema into the rows of the docs' field table: one row per field, nested fields
 * under their parent with a path such as `lineItems[].quantity` or `paymentMethod<CardPayment>.brand`.
 * Paths are the identity of a field across versions, so the version diff and the "since" column
 * are computed from these rows and agree with what the table shows.
 */
import type { SchemaFormat } from '../compat/model.js';

export interface FieldConstraint {
  name: string;
  value: string;
}

export interface FieldRow {
  /** Unique within one version: `shippingAddress.city`, `lineItems[].sku`, `method<CardMethod>.last4`. */
  path: string;
  name: string;
  /** 0 for top-level fields. */
  depth: number;
  /** Display type, e.g. `string (uuid)`, `null | string`, `array<LineItem>`, `enum ProjectStatus`. */
  type: string;
  /**
   * Whether a producer must supply it: in Avro a field without a default (every Avro field is on
   * the wire), in JSON Schema a property listed in its object's `required`.
   */
  required: boolean;
  nullable: boolean;
  /** The default as JSON text. */
  default?: string;
  doc?: string;
  /** Enum symbols, formats, lengths, bounds, sizes: what else limits the value. */
  constraints: FieldConstraint[];
  /** The type refers back to an enclosing one; its fields are listed there. */
  recursiveOf?: string;
}

/** Caps that keep a pathological schema (deep reuse of named types) from producing a huge page. */
const MAX_DEPTH = 10;
const MAX_ROWS = 5_000;

type Json = unknown;
type JsonObject = Record<string, Json>;

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function joinPath(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

function json(value: Json): string {
  return JSON.stringify(value) ?? 'undefined';
}

export function fieldTable(format: SchemaFormat, schema: Json): FieldRow[] {
  const rows: FieldRow[] = [];
  if (format === 'avro') new AvroWalker(schema, rows).walkRoot();
  else new JsonWalker(schema, rows).walkRoot();
  return rows;
}

/**
 * For the last table of a history (oldest first), the version each field appeared in: the
 * earliest version from which it is present in every later one, so a field that was removed and
 * added again counts from its return.
 */
export function sinceVersions(history: { version: number; rows: FieldRow[] }[]): Map<string, number> {
  const since = new Map<string, number>();
  const last = history.at(-1);
  if (!last) return since;
  const present = history.map((h) => new Set(h.rows.map((r) => r.path)));
  for (const row of last.rows) {
    let index = history.length - 1;
    while (index > 0 && present[index - 1]!.has(row.path)) index--;
    since.set(row.path, history[index]!.version);
  }
  return since;
}

// ---------------------------------------------------------------------------------------------
// Avro

const AVRO_PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

interface AvroNamed {
  fullName: string;
  shortName: string;
  namespace: string;
  node: JsonObject;
}

/** Every named type of an Avro schema by full name, so references resolve wherever they occur. */
export function collectAvroNames(schema: Json): Map<string, AvroNamed> {
  const names = new Map<string, AvroNamed>();
  const visit = (node: Json, namespace: string): void => {
    if (Array.isArray(node)) {
      for (const branch of node) visit(branch, namespace);
      return;
    }
    if (!isObject(node)) return;
    const type = node['type'];
    let inner = namespace;
    if ((type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') && typeof node['name'] === 'string') {
      const named = avroFullName(node['name'], typeof node['namespace'] === 'string' ? node['namespace'] : namespace);
      if (!names.has(named.fullName)) names.set(named.fullName, { ...named, node });
      inner = named.namespace;
    }
    if (Array.isArray(node['fields'])) for (const field of node['fields']) if (isObject(field)) visit(field['type'], inner);
    if ('items' in node) visit(node['items'], inner);
    if ('values' in node) visit(node['values'], inner);
    if (typeof type === 'object') visit(type, inner);
  };
  visit(schema, '');
  return names;
}

function avroFullName(name: string, namespace: string): { fullName: string; shortName: string; namespace: string } {
  if (name.includes('.')) {
    const at = name.lastIndexOf('.');
    return { fullName: name, shortName: name.slice(at + 1), namespace: name.slice(0, at) };
  }
  return { fullName: namespace ? `${namespace}.${name}` : name, shortName: name, namespace };
}

export class AvroTypes {
  readonly names: Map<string, AvroNamed>;
  constructor(schema: Json) {
    this.names = collectAvroNames(schema);
  }

  /** A type reference by name, resolved the way Avro does: full name, else in the enclosing namespace. */
  lookup(name: string, namespace: string): AvroNamed | undefined {
    return this.names.get(name.includes('.') ? name : namespace ? `${namespace}.${name}` : name) ?? this.names.get(name);
  }

  /** Follows a name or a `{"type": "<name>"}` wrapper to the node it stands for, with its namespace. */
  resolve(node: Json, namespace: string): { node: Json; namespace: string; named?: AvroNamed } {
    for (let hops = 0; hops < 8; hops++) {
      if (typeof node === 'string') {
        if (AVRO_PRIMITIVES.has(node)) return { node, namespace };
        const named = this.lookup(node, namespace);
        return named ? { node: named.node, namespace: named.namespace, named } : { node, namespace };
      }
      if (isObject(node) && typeof node['type'] !== 'string' && node['type'] !== undefined && !Array.isArray(node['type'])) {
        node = node['type'];
        continue;
      }
      if (isObject(node) && typeof node['type'] === 'string' && !AVRO_PRIMITIVES.has(node['type']) && !['record', 'error', 'enum', 'fixed', 'array', 'map'].includes(node['type'])) {
        node = node['type'];
        continue;
      }
      if (isObject(node) && ['record', 'error', 'enum', 'fixed'].includes(node['type'] as string) && typeof node['name'] === 'string') {
        const named = this.lookup(avroFullName(node['name'], typeof node['namespace'] === 'string' ? node['namespace'] : namespace).fullName, '');
        return { node, namespace: named?.namespace ?? namespace, ...(named ? { named } : {}) };
      }
      return { node, namespace };
    }
    return { node, namespace };
  }

  label(node: Json, namespace: string, top = false): string {
    if (Array.isArray(node)) return node.map((branch) => this.label(branch, namespace)).join(' | ');
    const { node: resolved, namespace: ns, named } = this.resolve(node, namespace);
    if (typeof resolved === 'string') return resolved;
    if (!isObject(resolved)) return 'unknown';
    const type = resolved['type'];
    if (Array.isArray(type)) return this.label(type, ns);
    if (named) {
      const kind = type === 'error' ? 'record' : String(type);
      const size = kind === 'fixed' && typeof resolved['size'] === 'number' ? `(${resolved['size']})` : '';
      const logical = typeof resolved['logicalType'] === 'string' ? ` (${logicalLabel(resolved)})` : '';
      return top ? `${kind} ${named.shortName}${size}${logical}` : `${named.shortName}${logical}`;
    }
    if (type === 'array') return `array<${this.label(resolved['items'], ns)}>`;
    if (type === 'map') return `map<${this.label(resolved['values'], ns)}>`;
    if (typeof type === 'string') {
      return typeof resolved['logicalType'] === 'string' ? `${type} (${logicalLabel(resolved)})` : type;
    }
    return 'unknown';
  }
}

function logicalLabel(node: JsonObject): string {
  const logical = String(node['logicalType']);
  if (logical === 'decimal') return `decimal ${String(node['precision'] ?? '?')},${String(node['scale'] ?? 0)}`;
  return logical;
}

class AvroWalker {
  private readonly types: AvroTypes;
  constructor(
    private readonly schema: Json,
    private readonly rows: FieldRow[],
  ) {
    this.types = new AvroTypes(schema);
  }

  walkRoot(): void {
    this.children(this.schema, '', '', 0, []);
  }

  /** Rows for the fields reachable from a type at `path` (records, and records inside arrays, maps and unions). */
  private children(node: Json, namespace: string, path: string, depth: number, stack: string[]): void {
    if (depth > MAX_DEPTH || this.rows.length >= MAX_ROWS) return;
    if (Array.isArray(node)) {
      const branches = node.filter((branch) => this.hasChildren(branch, namespace));
      for (const branch of branches) {
        const { named } = this.types.resolve(branch, namespace);
        const label = branches.length > 1 ? `${path}<${named?.shortName ?? this.types.label(branch, namespace)}>` : path;
        this.children(branch, namespace, label, depth, stack);
      }
      return;
    }
    const { node: resolved, namespace: ns, named } = this.types.resolve(node, namespace);
    if (!isObject(resolved)) return;
    const type = resolved['type'];
    if (Array.isArray(type)) return this.children(type, ns, path, depth, stack);
    if (type === 'array') return this.children(resolved['items'], ns, `${path}[]`, depth, stack);
    if (type === 'map') return this.children(resolved['values'], ns, `${path}{}`, depth, stack);
    if ((type !== 'record' && type !== 'error') || !Array.isArray(resolved['fields'])) return;
    const key = named?.fullName ?? path;
    for (const field of resolved['fields']) {
      if (!isObject(field) || typeof field['name'] !== 'string') continue;
      if (this.rows.length >= MAX_ROWS) return;
      const fieldPath = joinPath(path, field['name']);
      const recursive = this.recursiveTarget(field['type'], ns, [...stack, key]);
      const row: FieldRow = {
        path: fieldPath,
        name: field['name'],
        depth,
        type: this.types.label(field['type'], ns, true),
        required: !('default' in field),
        nullable: this.isNullable(field['type'], ns),
        constraints: this.constraints(field, ns),
      };
      if ('default' in field) row.default = json(field['default']);
      if (typeof field['doc'] === 'string') row.doc = field['doc'];
      if (recursive) row.recursiveOf = recursive;
      this.rows.push(row);
      if (!recursive) this.children(field['type'], ns, fieldPath, depth + 1, [...stack, key]);
    }
  }

  /** The short name of an enclosing record this type leads back to, if any. */
  private recursiveTarget(node: Json, namespace: string, stack: string[]): string | undefined {
    const seen = new Set<string>();
    const visit = (n: Json, ns: string): string | undefined => {
      if (Array.isArray(n)) {
        for (const branch of n) {
          const hit = visit(branch, ns);
          if (hit) return hit;
        }
        return undefined;
      }
      const { node: resolved, namespace: inner, named } = this.types.resolve(n, ns);
      if (named && stack.includes(named.fullName)) return named.shortName;
      if (!isObject(resolved)) return undefined;
      if (named) {
        if (seen.has(named.fullName)) return undefined;
        seen.add(named.fullName);
      }
      const type = resolved['type'];
      if (Array.isArray(type)) return visit(type, inner);
      if (type === 'array') return visit(resolved['items'], inner);
      if (type === 'map') return visit(resolved['values'], inner);
      return undefined;
    };
    return visit(node, namespace);
  }

  private hasChildren(node: Json, namespace: string): boolean {
    const { node: resolved, namespace: ns } = this.types.resolve(node, namespace);
    if (!isObject(resolved)) return false;
    const type = resolved['type'];
    if (type === 'record' || type === 'error') return true;
    if (type === 'array') return this.hasChildren(resolved['items'], ns);
    if (type === 'map') return this.hasChildren(resolved['values'], ns);
    if (Array.isArray(type)) return type.some((branch) => this.hasChildren(branch, ns));
    return false;
  }

  private isNullable(node: Json, namespace: string): boolean {
    const { node: resolved } = this.types.resolve(node, namespace);
    if (resolved === 'null') return true;
    if (Array.isArray(resolved)) return resolved.some((branch) => this.isNullable(branch, namespace));
    if (isObject(resolved) && Array.isArray(resolved['type'])) return this.isNullable(resolved['type'], namespace);
    return false;
  }

  private constraints(field: JsonObject, namespace: string): FieldConstraint[] {
    const out: FieldConstraint[] = [];
    let node: Json = field['type'];
    // A nullable enum or fixed is described by its non-null branch.
    if (Array.isArray(node)) {
      const nonNull = node.filter((branch) => branch !== 'null');
      if (nonNull.length === 1) node = nonNull[0];
    }
    const { node: resolved } = this.types.resolve(node, namespace);
    if (isObject(resolved)) {
      if (resolved['type'] === 'enum' && Array.isArray(resolved['symbols'])) {
        out.push({ name: 'symbols', value: resolved['symbols'].map(String).join(', ') });
        if (typeof resolved['default'] === 'string') out.push({ name: 'enum default', value: resolved['default'] });
      }
      if (resolved['type'] === 'fixed' && typeof resolved['size'] === 'number') out.push({ name: 'size', value: `${resolved['size']} bytes` });
      if (resolved['type'] === 'array' || resolved['type'] === 'map') {
        const inner = this.types.resolve(resolved['type'] === 'array' ? resolved['items'] : resolved['values'], namespace).node;
        if (isObject(inner) && inner['type'] === 'enum' && Array.isArray(inner['symbols'])) {
          out.push({ name: 'symbols', value: inner['symbols'].map(String).join(', ') });
        }
      }
    }
    if (Array.isArray(field['aliases']) && field['aliases'].length > 0) out.push({ name: 'aliases', value: field['aliases'].map(String).join(', ') });
    if (typeof field['order'] === 'string' && field['order'] !== 'ascending') out.push({ name: 'order', value: field['order'] });
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// JSON Schema

const JSON_CONSTRAINT_KEYWORDS = [
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'contentEncoding',
  'contentMediaType',
] as const;

/** A `$ref` target (and the name it is known by), with the referring node's own keywords laid over it. */
export interface JsonResolved {
  node: JsonObject;
  refName?: string;
  pointer?: string;
}

/** Resolves local `$ref`s (`#`, `#/definitions/X`, `#/$defs/X`) within one schema document. */
export class JsonRefs {
  constructor(readonly root: Json) {}

  target(ref: string): Json {
    if (ref === '#') return this.root;
    if (!ref.startsWith('#/')) return undefined;
    let node: Json = this.root;
    for (const raw of ref.slice(2).split('/')) {
      const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (Array.isArray(node)) node = node[Number(part)];
      else if (isObject(node)) node = node[part];
      else return undefined;
    }
    return node;
  }

  /** Follows `$ref` chains; the referring node's siblings (e.g. its own `description`) win over the target's. */
  resolve(node: Json): JsonResolved {
    if (typeof node === 'boolean') return { node: node ? {} : { not: {} } };
    if (!isObject(node)) return { node: {} };
    let current: JsonObject = node;
    let refName: string | undefined;
    let pointer: string | undefined;
    for (let hops = 0; hops < 16 && typeof current['$ref'] === 'string'; hops++) {
      const ref = current['$ref'];
      const target = this.target(ref);
      if (!isObject(target)) return { node: current, refName: ref.split('/').at(-1) ?? ref, pointer: ref };
      const { $ref: _ref, ...siblings } = current;
      refName ??= ref === '#' ? 'root' : ref.split('/').at(-1);
      pointer ??= ref;
      current = { ...target, ...siblings };
    }
    return { node: current, ...(refName !== undefined ? { refName } : {}), ...(pointer !== undefined ? { pointer } : {}) };
  }
}

function jsonTypes(node: JsonObject): string[] {
  const type = node['type'];
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  return [];
}

class JsonWalker {
  private readonly refs: JsonRefs;
  constructor(
    private readonly schema: Json,
    private readonly rows: FieldRow[],
  ) {
    this.refs = new JsonRefs(schema);
  }

  walkRoot(): void {
    this.children(this.schema, '', 0, ['#']);
  }

  label(raw: Json, depth = 0): string {
    if (depth > 6) return '…';
    const original = isObject(raw) ? raw : {};
    const { node, refName } = this.refs.resolve(raw);
    if (refName && typeof original['$ref'] === 'string') {
      const nullable = jsonTypes(original).includes('null') ? ' | null' : '';
      return refName + nullable;
    }
    if ('const' in node) return `const ${json(node['const'])}`;
    const branches = (Array.isArray(node['oneOf']) ? node['oneOf'] : Array.isArray(node['anyOf']) ? node['anyOf'] : undefined) as Json[] | undefined;
    if (branches && jsonTypes(node).length === 0) return branches.map((b) => this.label(b, depth + 1)).join(' | ');
    if (Array.isArray(node['allOf']) && jsonTypes(node).length === 0 && !isObject(node['properties'])) {
      return node['allOf'].map((b) => this.label(b, depth + 1)).join(' & ');
    }
    let types = jsonTypes(node);
    if (types.length === 0 && Array.isArray(node['enum'])) types = [...new Set(node['enum'].map((v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)))];
    if (types.length === 0 && isObject(node['properties'])) types = ['object'];
    if (types.length === 0 && 'items' in node) types = ['array'];
    if (types.length === 0) return 'any';
    const enumSuffix = Array.isArray(node['enum']) ? ' (enum)' : '';
    return types
      .map((type) => {
        if (type === 'string' && typeof node['format'] === 'string') return `string (${node['format']})${enumSuffix}`;
        if (type === 'array') {
          const items = Array.isArray(node['prefixItems']) ? node['prefixItems'] : Array.isArray(node['items']) ? node['items'] : undefined;
          if (items) return `[${items.map((i: Json) => this.label(i, depth + 1)).join(', ')}]`;
          return 'items' in node ? `array<${this.label(node['items'], depth + 1)}>` : 'array';
        }
        if (type === 'object' && !isObject(node['properties']) && isObject(node['additionalProperties'])) {
          return `map<${this.label(node['additionalProperties'], depth + 1)}>`;
        }
        return type === 'null' ? type : `${type}${enumSuffix}`;
      })
      .join(' | ');
  }

  private nullable(raw: Json, depth = 0): boolean {
    if (depth > 6) return false;
    const { node } = this.refs.resolve(raw);
    if (jsonTypes(node).includes('null')) return true;
    if (Array.isArray(node['enum']) && node['enum'].includes(null)) return true;
    if ('const' in node && node['const'] === null) return true;
    const branches = [...(Array.isArray(node['oneOf']) ? node['oneOf'] : []), ...(Array.isArray(node['anyOf']) ? node['anyOf'] : [])];
    return branches.some((b) => this.nullable(b, depth + 1));
  }

  private constraints(node: JsonObject): FieldConstraint[] {
    const out: FieldConstraint[] = [];
    if (Array.isArray(node['enum'])) out.push({ name: 'values', value: node['enum'].map((v) => (typeof v === 'string' ? v : json(v))).join(', ') });
    for (const keyword of JSON_CONSTRAINT_KEYWORDS) {
      if (keyword in node && keyword !== 'format') out.push({ name: keyword, value: typeof node[keyword] === 'string' ? (node[keyword] as string) : json(node[keyword]) });
    }
    // An array's item limits (enum values, patterns) matter as much as the array's own.
    const items = isObject(node['items']) ? this.refs.resolve(node['items']).node : undefined;
    if (items && Array.isArray(items['enum'])) out.push({ name: 'item values', value: items['enum'].map((v) => (typeof v === 'string' ? v : json(v))).join(', ') });
    if (items && typeof items['pattern'] === 'string') out.push({ name: 'item pattern', value: items['pattern'] });
    if (isObject(node['propertyNames']) && typeof node['propertyNames']['pattern'] === 'string') {
      out.push({ name: 'key pattern', value: node['propertyNames']['pattern'] });
    }
    if (node['additionalProperties'] === false || node['unevaluatedProperties'] === false) out.push({ name: 'content model', value: 'closed' });
    if (node['deprecated'] === true) out.push({ name: 'deprecated', value: 'yes' });
    if (node['readOnly'] === true) out.push({ name: 'readOnly', value: 'yes' });
    return out;
  }

  private children(raw: Json, path: string, depth: number, stack: string[]): void {
    if (depth > MAX_DEPTH || this.rows.length >= MAX_ROWS) return;
    const { node, pointer } = this.refs.resolve(raw);
    if (pointer && stack.includes(pointer)) return;
    const nextStack = pointer ? [...stack, pointer] : stack;
    const properties = isObject(node['properties']) ? node['properties'] : undefined;
    const required = new Set(Array.isArray(node['required']) ? node['required'].filter((r): r is string => typeof r === 'string') : []);
    if (properties) {
      for (const [name, property] of Object.entries(properties)) {
        if (this.rows.length >= MAX_ROWS) return;
        const fieldPath = joinPath(path, name);
        const resolved = this.refs.resolve(property);
        const recursive = this.recursiveTarget(property, nextStack);
        const row: FieldRow = {
          path: fieldPath,
          name,
          depth,
          type: this.label(property),
          required: required.has(name),
          nullable: this.nullable(property),
          constraints: this.constraints(resolved.node),
        };
        if ('default' in resolved.node) row.default = json(resolved.node['default']);
        if (typeof resolved.node['description'] === 'string') row.doc = resolved.node['description'];
        else if (typeof resolved.node['title'] === 'string') row.doc = resolved.node['title'];
        if (recursive) row.recursiveOf = recursive;
        this.rows.push(row);
        if (!recursive) this.children(property, fieldPath, depth + 1, nextStack);
      }
    }
    if ('items' in node && !Array.isArray(node['items'])) this.children(node['items'], `${path}[]`, depth, nextStack);
    if (isObject(node['additionalProperties'])) this.children(node['additionalProperties'], `${path}{}`, depth, nextStack);
    for (const keyword of ['oneOf', 'anyOf'] as const) {
      const branches = Array.isArray(node[keyword]) ? (node[keyword] as Json[]) : [];
      // Branches that only re-state the object's own properties (`anyOf: [{required: [a]}, …]`
      // with typed copies) constrain which are present; listing them again would be noise.
      const restates = (branch: Json): boolean => {
        if (!properties || (isObject(branch) && '$ref' in branch)) return false;
        const own = this.refs.resolve(branch).node['properties'];
        return isObject(own) && Object.keys(own).every((name) => name in properties);
      };
      const withChildren = branches.filter((b) => !restates(b) && this.hasChildren(b, nextStack));
      for (const branch of withChildren) {
        const name = this.refs.resolve(branch).refName ?? `${keyword}[${branches.indexOf(branch)}]`;
        this.children(branch, withChildren.length > 1 ? `${path}<${name}>` : path, depth, nextStack);
      }
    }
    if (Array.isArray(node['allOf'])) for (const branch of node['allOf']) this.children(branch, path, depth, nextStack);
  }

  private recursiveTarget(raw: Json, stack: string[]): string | undefined {
    const name = (pointer: string): string => (pointer === '#' ? 'root' : (pointer.split('/').at(-1) ?? pointer));
    const { node, pointer } = this.refs.resolve(raw);
    if (pointer && stack.includes(pointer)) return name(pointer);
    if ('items' in node && isObject(node['items'])) {
      const inner = this.refs.resolve(node['items']).pointer;
      if (inner && stack.includes(inner)) return name(inner);
    }
    return undefined;
  }

  private hasChildren(raw: Json, stack: string[], depth = 0): boolean {
    if (depth > 6) return false;
    const { node, pointer } = this.refs.resolve(raw);
    if (pointer && stack.includes(pointer)) return false;
    if (isObject(node['properties'])) return true;
    if ('items' in node && !Array.isArray(node['items'])) return this.hasChildren(node['items'], stack, depth + 1);
    if (isObject(node['additionalProperties'])) return this.hasChildren(node['additionalProperties'], stack, depth + 1);
    const branches = [...(Array.isArray(node['oneOf']) ? node['oneOf'] : []), ...(Array.isArray(node['anyOf']) ? node['anyOf'] : []), ...(Array.isArray(node['allOf']) ? node['allOf'] : [])];
    return branches.some((b) => this.hasChildren(b, stack, depth + 1));
  }
}
