import type { EventVersion } from '../contracts/model.js';
import type { DefaultsPlan } from '../../runtime/codec/json.js';
import { tag } from './docs.js';
import type { DeclModel, EventTypes, FieldModel, InterfaceDecl, TypeExpr } from './model.js';
import { pascalCase } from './names.js';

type Json = unknown;
type JsonObject = Record<string, Json>;

/**
 * JSON Schema → code model. Types describe what `JSON.parse` yields for a valid value, after the
 * reader fills in defaults: `$ref` → the named declaration (a sibling `description` documents the
 * property, never forks a copy), `oneOf`/`anyOf` → unions (so `const` discriminators narrow),
 * `allOf` → intersections, `enum`/`const` → literals, `additionalProperties: schema` → index
 * signature or `Record<string, T>`, type arrays with `"null"` → `T | null`, formats → string.
 */

export interface JsonEventTypes extends EventTypes {
  /** Defaults the reader fills in (runtime/codec/json.ts `applyDefaults`). */
  defaults?: { root: string; plans: Record<string, DefaultsPlan> };
}

const ANNOTATIONS = new Set(['description', 'title', 'default', 'examples', '$comment', 'deprecated', 'readOnly', 'writeOnly', '$id', '$schema', '$anchor', 'definitions', '$defs']);

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function literalOf(value: Json): TypeExpr {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return { kind: 'literal', value };
  return { kind: 'keyword', name: 'unknown' };
}

const UNKNOWN: TypeExpr = { kind: 'keyword', name: 'unknown' };
const NULL: TypeExpr = { kind: 'keyword', name: 'null' };

function decodePointer(pointer: string): string[] {
  return pointer
    .replace(/^#/, '')
    .split('/')
    .slice(1)
    .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function jsonEventTypes(event: EventVersion): JsonEventTypes {
  const root = event.schema;
  if (!isObject(root)) throw new Error(`${event.file}: the event is not a JSON Schema object`);
  const decls: DeclModel[] = [];
  const refs = new Map<string, TypeExpr>();
  const rootKey = `event:${event.label}`;
  /** Per interface declaration: its properties with defaults, and whether every use is one the reader fills. */
  const defaulted = new Map<string, Map<string, Json>>();
  const unfillable = new Set<string>();
  const plans = new Map<string, DefaultsPlan>();

  function resolvePointer(pointer: string): Json {
    let node: Json = root;
    for (const segment of decodePointer(pointer)) {
      if (Array.isArray(node)) node = node[Number(segment)];
      else if (isObject(node)) node = node[segment];
      else return undefined;
    }
    return node;
  }

  function refTo(pointer: string, fill: boolean): TypeExpr {
    const found = refs.get(pointer);
    const segments = decodePointer(pointer);
    const defName = segments.length === 2 && (segments[0] === 'definitions' || segments[0] === '$defs') ? segments[1]! : undefined;
    const key = pointer === '#' ? rootKey : `json:${defName ?? pointer}@${event.label}`;
    if (found) {
      if (!fill) markUnfillable(key);
      return found;
    }
    const ref: TypeExpr = { kind: 'ref', key };
    refs.set(pointer, ref);
    if (pointer === '#') return ref;
    const target = resolvePointer(pointer);
    if (target === undefined) throw new Error(`${event.file}: cannot resolve $ref ${pointer}`);
    const baseName = pascalCase(defName ?? segments[segments.length - 1] ?? 'Type');
    declare(target, key, defName ? `json:${defName}` : `json:${event.name}:${pointer}`, baseName);
    if (!fill) markUnfillable(key);
    return ref;
  }

  function markUnfillable(key: string): void {
    if (unfillable.has(key)) return;
    unfillable.add(key);
    const decl = decls.find((d) => d.key === key);
    // What an unfillable declaration refers to is not filled either.
    if (decl?.kind === 'interface') for (const field of decl.fields) forEachRef(field.type, markUnfillable);
  }

  /** A named declaration for a schema: an interface for objects with properties, an enum, or an alias. */
  function declare(schema: Json, key: string, family: string, baseName: string): void {
    const doc = isObject(schema) && typeof schema['description'] === 'string' ? schema['description'] : undefined;
    const notes: string[] = [];
    if (isObject(schema) && isObjectWithProperties(schema) && !Array.isArray(schema['type'])) {
      const decl: InterfaceDecl = { kind: 'interface', key, family, baseName, doc, notes, fields: [] };
      decls.push(decl);
      fillObject(decl, schema, baseName);
      return;
    }
    if (isObject(schema) && Array.isArray(schema['enum']) && schema['enum'].every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) {
      decls.push({ kind: 'enum', key, family, baseName, doc, notes, symbols: schema['enum'] as Array<string | number | boolean | null> });
      return;
    }
    const decl: DeclModel = { kind: 'alias', key, family, baseName, doc, notes, type: UNKNOWN };
    decls.push(decl);
    decl.type = typeOf(schema, baseName, undefined, notes, true);
  }

  function isObjectWithProperties(schema: JsonObject): boolean {
    const type = schema['type'];
    const objectish = type === 'object' || (Array.isArray(type) && type.includes('object')) || (type === undefined && (isObject(schema['properties']) || Array.isArray(schema['required'])));
    return objectish && isObject(schema['properties']);
  }

  function fillObject(decl: InterfaceDecl, schema: JsonObject, owner: string): void {
    const properties = isObject(schema['properties']) ? schema['properties'] : {};
    const required = new Set(Array.isArray(schema['required']) ? schema['required'].map(String) : []);
    const defaults = new Map<string, Json>();
    decl.fields = Object.entries(properties).map(([name, propSchema]): FieldModel => {
      const notes: string[] = [];
      const type = typeOf(propSchema, owner, name, notes, true);
      const isRequired = required.has(name);
      const hasDefault = isObject(propSchema) && 'default' in propSchema;
      if (hasDefault) {
        notes.push(tag('defaultValue', JSON.stringify(propSchema['default'])));
        if (!isRequired) defaults.set(name, propSchema['default']);
      }
      const doc = isObject(propSchema) && typeof propSchema['description'] === 'string' ? propSchema['description'] : undefined;
      return { name, type, optional: !isRequired && !hasDefault, inputOptional: !isRequired, doc, notes };
    });
    if (defaults.size) defaulted.set(decl.key, defaults);
    decl.index = indexOf(schema, owner);
    const also = combinators(schema, owner, { implyObject: true });
    if (also) decl.also = also;
  }

  function indexOf(schema: JsonObject, owner: string): TypeExpr | undefined {
    const members: TypeExpr[] = [];
    const additional = schema['additionalProperties'];
    if (isObject(additional) || additional === true) members.push(isObject(additional) ? typeOf(additional, owner, 'Value', [], false) : UNKNOWN);
    if (isObject(schema['patternProperties'])) {
      for (const value of Object.values(schema['patternProperties'])) members.push(typeOf(value, owner, 'Value', [], false));
    }
    if (members.length === 0) return undefined;
    return members.length === 1 ? members[0] : { kind: 'union', members };
  }

  function combinators(schema: JsonObject, owner: string, options: { implyObject: boolean }): TypeExpr | undefined {
    const parts: TypeExpr[] = [];
    const branch = (s: Json): TypeExpr => {
      const implied = options.implyObject && isObject(s) && s['type'] === undefined && (isObject(s['properties']) || Array.isArray(s['required'])) ? { ...s, type: 'object' } : s;
      return typeOf(implied, owner, undefined, [], false);
    };
    for (const keyword of ['oneOf', 'anyOf'] as const) {
      const list = schema[keyword];
      if (Array.isArray(list) && list.length) parts.push(union(list.map(branch)));
    }
    if (Array.isArray(schema['allOf']) && schema['allOf'].length) {
      const members = schema['allOf'].map(branch);
      parts.push(members.length === 1 ? members[0]! : { kind: 'intersection', members });
    }
    if (parts.length === 0) return undefined;
    return parts.length === 1 ? parts[0] : { kind: 'intersection', members: parts };
  }

  function union(members: TypeExpr[]): TypeExpr {
    const seen = new Set<string>();
    const unique: TypeExpr[] = [];
    let hasNull = false;
    for (const member of members.flatMap((m) => (m.kind === 'union' ? m.members : [m]))) {
      if (member.kind === 'keyword' && member.name === 'null') {
        hasNull = true;
        continue;
      }
      const id = JSON.stringify(member);
      if (!seen.has(id)) {
        seen.add(id);
        unique.push(member);
      }
    }
    if (hasNull) unique.push(NULL);
    return unique.length === 1 ? unique[0]! : { kind: 'union', members: unique };
  }

  /**
   * The type of a schema. `owner` and `prop` name inline objects (`NotificationPreferencesQuietHours`);
   * `fill` is false inside combinators, where the reader does not fill in defaults.
   */
  function typeOf(schema: Json, owner: string, prop: string | undefined, notes: string[], fill: boolean): TypeExpr {
    if (schema === true) return UNKNOWN;
    if (schema === false) return { kind: 'keyword', name: 'never' };
    if (!isObject(schema)) return UNKNOWN;
    if (typeof schema['$ref'] === 'string') {
      const ref = schema['$ref'];
      if (!ref.startsWith('#')) throw new Error(`${event.file}: only local $refs are supported (${ref})`);
      const target = refTo(ref, fill);
      const rest = Object.keys(schema).filter((k) => k !== '$ref' && !ANNOTATIONS.has(k) && !k.startsWith('x-'));
      if (!rest.some((k) => ['type', 'properties', 'enum', 'const', 'oneOf', 'anyOf', 'allOf', 'items'].includes(k))) return target;
      const { $ref: _ref, ...siblings } = schema;
      return { kind: 'intersection', members: [target, typeOf(siblings, owner, prop, notes, false)] };
    }
    if (typeof schema['format'] === 'string') notes.push(`JSON Schema format \`${schema['format']}\`.`);
    if ('const' in schema) return literalOf(schema['const']);
    if (Array.isArray(schema['enum'])) return union(schema['enum'].map(literalOf));
    const type = schema['type'];
    const typeNames = Array.isArray(type) ? type.map(String) : typeof type === 'string' ? [type] : [];
    let base: TypeExpr | undefined;
    if (typeNames.length) base = union(typeNames.map((t) => single(schema, t, owner, prop, notes, fill)));
    else if (isObject(schema['properties']) || isObject(schema['additionalProperties']) || Array.isArray(schema['required'])) {
      base = single(schema, 'object', owner, prop, notes, fill);
    } else if (isObject(schema['items'])) base = single(schema, 'array', owner, prop, notes, fill);
    const also = base && base.kind === 'ref' ? undefined : combinators(schema, owner, { implyObject: !base || typeNames.includes('object') });
    if (base && also) return { kind: 'intersection', members: [base, also] };
    return base ?? also ?? UNKNOWN;
  }

  function single(schema: JsonObject, type: string, owner: string, prop: string | undefined, notes: string[], fill: boolean): TypeExpr {
    switch (type) {
      case 'null':
        return NULL;
      case 'string':
        return { kind: 'keyword', name: 'string' };
      case 'number':
      case 'integer':
        return { kind: 'keyword', name: 'number' };
      case 'boolean':
        return { kind: 'keyword', name: 'boolean' };
      case 'array': {
        const tupleItems = Array.isArray(schema['prefixItems']) ? schema['prefixItems'] : Array.isArray(schema['items']) ? schema['items'] : undefined;
        if (tupleItems) {
          // Draft 2020-12 `prefixItems` + `items`, or draft-07 `items: [...]` + `additionalItems`.
          const restSchema = Array.isArray(schema['prefixItems']) ? schema['items'] : schema['additionalItems'];
          const itemName = prop ? `${prop}Item` : 'Item';
          const tuple: TypeExpr = {
            kind: 'tuple',
            items: tupleItems.map((i) => typeOf(i, owner, itemName, [], false)),
            required: Math.min(tupleItems.length, Number(schema['minItems'] ?? 0)),
          };
          if (restSchema !== false) tuple.rest = restSchema === undefined || restSchema === true ? UNKNOWN : typeOf(restSchema, owner, itemName, [], false);
          return tuple;
        }
        const items = schema['items'];
        if (items === undefined) return { kind: 'array', items: UNKNOWN };
        return { kind: 'array', items: typeOf(items, owner, prop ? `${prop}Item` : 'Item', [], fill) };
      }
      case 'object': {
        if (isObject(schema['properties'])) {
          if (prop !== undefined) {
            // A property's own object gets a declaration of its own, named after its owner and property.
            const baseName = `${owner}${pascalCase(prop)}`;
            const key = `json:inline:${baseName}@${event.label}`;
            const { type: _type, ...objectSchema } = schema;
            declare({ ...objectSchema, type: 'object' }, key, `json:inline:${event.name}:${baseName}`, baseName);
            if (!fill) markUnfillable(key);
            return { kind: 'ref', key };
          }
          const holder: InterfaceDecl = { kind: 'interface', key: '', family: '', baseName: owner, notes: [], fields: [] };
          const { oneOf: _o, anyOf: _a, allOf: _l, ...own } = schema;
          fillObject(holder, own, owner);
          return { kind: 'object', fields: holder.fields.map((f) => ({ ...f, optional: f.optional || !f.inputOptional ? f.optional : true })), index: holder.index };
        }
        const index = indexOf(schema, owner);
        if (index) return { kind: 'map', values: index };
        if (schema['additionalProperties'] === false || schema['unevaluatedProperties'] === false) return { kind: 'object', fields: [] };
        return { kind: 'map', values: UNKNOWN };
      }
      default:
        return UNKNOWN;
    }
  }

  const rootDecl: InterfaceDecl = { kind: 'interface', key: rootKey, family: `event:${event.type}`, baseName: `${event.name}V${event.version}`, doc: typeof root['description'] === 'string' ? root['description'] : undefined, notes: [], fields: [] };
  refs.set('#', { kind: 'ref', key: rootKey });
  decls.push(rootDecl);
  fillObject(rootDecl, root, event.name);

  // Fields with defaults are present after decoding only where the reader fills them in.
  for (const decl of decls) {
    if (decl.kind !== 'interface') continue;
    const withDefaults = defaulted.get(decl.key);
    if (!withDefaults) continue;
    if (unfillable.has(decl.key)) {
      for (const field of decl.fields) if (withDefaults.has(field.name)) field.optional = true;
    }
  }
  const planFor = (type: TypeExpr): string | undefined => {
    if (type.kind === 'ref') return plan(type.key);
    if (type.kind === 'array' || type.kind === 'map') {
      const inner = planFor(type.kind === 'array' ? type.items : type.values);
      if (!inner) return undefined;
      const name = `${inner}${type.kind === 'array' ? '[]' : '{}'}`;
      plans.set(name, type.kind === 'array' ? { items: inner } : { values: inner });
      return name;
    }
    return undefined;
  };
  const visiting = new Set<string>();
  function plan(key: string): string | undefined {
    if (unfillable.has(key) && key !== rootKey) return undefined;
    if (plans.has(key) || visiting.has(key)) return key;
    const decl = decls.find((d) => d.key === key);
    if (!decl || decl.kind !== 'interface') return undefined;
    visiting.add(key);
    const entry: DefaultsPlan = {};
    const withDefaults = defaulted.get(key);
    if (withDefaults?.size) entry.defaults = Object.fromEntries(withDefaults);
    const properties: Record<string, string> = {};
    for (const field of decl.fields) {
      const inner = planFor(field.type.kind === 'union' ? (field.type.members.find((m) => m.kind !== 'keyword') ?? field.type) : field.type);
      if (inner) properties[field.name] = inner;
    }
    if (Object.keys(properties).length) entry.properties = properties;
    visiting.delete(key);
    if (!entry.defaults && !entry.properties) return undefined;
    plans.set(key, entry);
    return key;
  }
  const rootPlan = plan(rootKey);
  const result: JsonEventTypes = { root: rootKey, decls };
  if (rootPlan) result.defaults = { root: rootPlan, plans: Object.fromEntries([...plans.entries()].sort(([a], [b]) => (a === rootKey ? -1 : b === rootKey ? 1 : a.localeCompare(b)))) };
  return result;
}

function forEachRef(type: TypeExpr, visit: (key: string) => void): void {
  switch (type.kind) {
    case 'ref':
      visit(type.key);
      return;
    case 'array':
      forEachRef(type.items, visit);
      return;
    case 'tuple':
      type.items.forEach((i) => forEachRef(i, visit));
      if (type.rest) forEachRef(type.rest, visit);
      return;
    case 'map':
      forEachRef(type.values, visit);
      return;
    case 'union':
    case 'intersection':
      type.members.forEach((m) => forEachRef(m, visit));
      return;
    case 'object':
      type.fields.forEach((f) => forEachRef(f.type, visit));
      if (type.index) forEachRef(type.index, visit);
      return;
    case 'tagged':
      forEachRef(type.value, visit);
      return;
    default:
      return;
  }
}
