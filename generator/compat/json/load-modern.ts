/**
 * Loads draft 2019-09/2020-12 schemas the way Confluent does: json-sKema parses each schema object into one
 * small schema per keyword (in document order), and Confluent's `SchemaTranslator` folds those back into
 * the everit model that the diff understands.
 *
 * The fold is what gives modern drafts their own behaviour, all reproduced here:
 * - keyword schemas of one family merge (`type: object` + `properties` + `required` → one object schema);
 *   different families become a generated `allOf` (unwrapped again when it ends up with 0 or 1 member);
 * - a type list is a generated `anyOf` that absorbs keywords of a listed type;
 * - a member that is itself a generated `allOf` is spliced into an enclosing `allOf`/`anyOf`/`oneOf`;
 * - `$id` is dropped, `properties: {}` yields nothing, `format`/`readOnly`/`writeOnly` are ignored,
 *   `contains` always carries `minContains` (default 1), a JSON `null` default counts as no default;
 * - when a schema object has keywords json-sKema does not know (`definitions`, `$comment`, `examples`,
 *   `connect.type`, …) or a non-empty `$defs`, those replace everything the fold had recorded as
 *   "unprocessed", which drops `unevaluatedProperties`/`unevaluatedItems`/`minContains`/`maxContains`
 *   on that object.
 */
import {
  type ArrayNode,
  type Criterion,
  type NumberNode,
  type ObjectNode,
  type SchemaNode,
  type StringNode,
  combinedNode,
  emptyArrayNode,
  emptyObjectNode,
  finishArray,
  numberNode,
  stringNode,
} from './schema-model.js';
import {
  type RawObject,
  childWhere,
  compilePattern,
  fail,
  readArray,
  readBoolean,
  readInteger,
  readNumber,
  readObject,
  readString,
  readStringArray,
} from './raw.js';
import { SchemaDocument, isJsonObject } from './refs.js';

/** json-sKema's `Keyword` enum: anything else in a schema object is an "unprocessed" property. */
const KNOWN_KEYWORDS = new Set([
  '$id', '$anchor', '$dynamicRef', '$dynamicAnchor', '$ref', '$defs', '$schema', '$vocabulary',
  'minLength', 'maxLength', 'allOf', 'anyOf', 'oneOf', 'additionalProperties', 'properties',
  'patternProperties', 'title', 'description', 'readOnly', 'writeOnly', 'deprecated', 'default', 'enum',
  'const', 'false', 'true', 'type', 'not', 'required', 'maximum', 'minimum', 'exclusiveMaximum',
  'exclusiveMinimum', 'multipleOf', 'uniqueItems', 'items', 'prefixItems', 'contains', 'minContains',
  'maxContains', 'if', 'then', 'else', 'dependentSchemas', 'dependentRequired', 'unevaluatedItems',
  'unevaluatedProperties', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'propertyNames',
  'pattern', 'format',
]);

/** Where a keyword product is folded: into its schema object, or into an `allOf`/`anyOf`/`oneOf`. */
type FoldParent = 'object' | Criterion;

function sameModelClass(a: SchemaNode, b: SchemaNode): boolean {
  return a.kind === b.kind;
}

function isGenerated(node: SchemaNode, criterion: Criterion): boolean {
  return node.kind === 'combined' && node.generated && node.criterion === criterion;
}

function flatten(node: SchemaNode): SchemaNode[] {
  return node.kind === 'combined' && isGenerated(node, 'allOf') ? [...node.subschemas] : [node];
}

function containsType(combined: SchemaNode, node: SchemaNode): boolean {
  return (
    combined.kind === 'combined' &&
    combined.subschemas.some((s) => sameModelClass(s, node) || (s.kind === 'combined' && node.kind === 'combined'))
  );
}

/** `SchemaUtils.copyGenericAttrs`: later values win, "unprocessed" properties are merged key by key. */
function mergeGeneric<T extends SchemaNode>(target: T, from: SchemaNode): T {
  if (from.title !== undefined) target.title = from.title;
  if (from.description !== undefined) target.description = from.description;
  if (from.id !== undefined) target.id = from.id;
  if (from.default !== undefined) {
    target.default = from.default;
    target.hasDefault = from.hasDefault;
  }
  if (from.connectType !== undefined) target.connectType = from.connectType;
  if (from.unevaluatedProperties !== undefined) target.unevaluatedProperties = from.unevaluatedProperties;
  if (from.unevaluatedItems !== undefined) target.unevaluatedItems = from.unevaluatedItems;
  if (from.minContains !== undefined) target.minContains = from.minContains;
  if (from.maxContains !== undefined) target.maxContains = from.maxContains;
  return target;
}

function mergeObjects(a: ObjectNode, b: ObjectNode): ObjectNode {
  const node = mergeGeneric(mergeGeneric(emptyObjectNode(), a), b);
  node.properties = new Map([...a.properties, ...b.properties]);
  node.required = [...a.required, ...b.required];
  node.permitsAdditionalProperties = a.permitsAdditionalProperties && b.permitsAdditionalProperties;
  const additional = b.additionalPropertiesSchema ?? a.additionalPropertiesSchema;
  if (additional !== undefined) node.additionalPropertiesSchema = additional;
  const patterns = new Map(a.patternProperties.map((p) => [p.source, p]));
  for (const p of b.patternProperties) patterns.set(p.source, p);
  node.patternProperties = [...patterns.values()];
  const minProperties = b.minProperties ?? a.minProperties;
  if (minProperties !== undefined) node.minProperties = minProperties;
  const maxProperties = b.maxProperties ?? a.maxProperties;
  if (maxProperties !== undefined) node.maxProperties = maxProperties;
  for (const source of [a, b]) {
    for (const [name, deps] of source.propertyDependencies) {
      node.propertyDependencies.set(name, new Set([...(node.propertyDependencies.get(name) ?? []), ...deps]));
    }
    for (const [name, schema] of source.schemaDependencies) node.schemaDependencies.set(name, schema);
  }
  return node;
}

function mergeArrays(a: ArrayNode, b: ArrayNode): ArrayNode {
  const node = mergeGeneric(mergeGeneric(emptyArrayNode(), a), b);
  const minItems = b.minItems ?? a.minItems;
  if (minItems !== undefined) node.minItems = minItems;
  const maxItems = b.maxItems ?? a.maxItems;
  if (maxItems !== undefined) node.maxItems = maxItems;
  node.uniqueItems = a.uniqueItems || b.uniqueItems;
  const allItems = b.allItemsSchema ?? a.allItemsSchema;
  if (allItems !== undefined) node.allItemsSchema = allItems;
  if (a.itemSchemas !== undefined || b.itemSchemas !== undefined) {
    node.itemSchemas = [...(a.itemSchemas ?? []), ...(b.itemSchemas ?? [])];
  }
  const additional = b.additionalItemsSchema ?? a.additionalItemsSchema;
  if (additional !== undefined) node.additionalItemsSchema = additional;
  return finishArray(node, a.permitsAdditionalItems && b.permitsAdditionalItems);
}

function mergeNumbers(a: NumberNode, b: NumberNode): NumberNode {
  const node = mergeGeneric(mergeGeneric(numberNode(a.requiresInteger || b.requiresInteger), a), b);
  for (const key of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'] as const) {
    const value = b[key] ?? a[key];
    if (value !== undefined) node[key] = value;
  }
  return node;
}

function mergeStrings(a: StringNode, b: StringNode): StringNode {
  const node = mergeGeneric(mergeGeneric(stringNode(), a), b);
  const minLength = b.minLength ?? a.minLength;
  if (minLength !== undefined) node.minLength = minLength;
  const maxLength = b.maxLength ?? a.maxLength;
  if (maxLength !== undefined) node.maxLength = maxLength;
  const pattern = b.pattern ?? a.pattern;
  if (pattern !== undefined) node.pattern = pattern;
  return node;
}

/** Merges two schemas of the same mergeable family, or returns undefined. */
function mergeSameFamily(a: SchemaNode, b: SchemaNode): SchemaNode | undefined {
  if (a.kind === 'object' && b.kind === 'object') return mergeObjects(a, b);
  if (a.kind === 'array' && b.kind === 'array') return mergeArrays(a, b);
  if (a.kind === 'number' && b.kind === 'number') return mergeNumbers(a, b);
  if (a.kind === 'string' && b.kind === 'string') return mergeStrings(a, b);
  return undefined;
}

/** Adds `current` to a generated combination, merging it into a member of the same family if there is one. */
function accumulateInto(members: SchemaNode[], current: SchemaNode): SchemaNode[] {
  for (const [i, member] of members.entries()) {
    if (!sameModelClass(member, current)) continue;
    const merged = mergeSameFamily(member, current);
    if (merged !== undefined) {
      members[i] = merged;
      return members;
    }
  }
  members.push(current);
  return members;
}

/** `SchemaContext.join`: how the translator folds one more keyword product into what it has so far. */
function join(parent: FoldParent, acc: SchemaNode, current: SchemaNode): SchemaNode {
  const merged = mergeSameFamily(acc, current);
  if (merged !== undefined) return merged;
  if (acc.kind === 'combined' && isGenerated(acc, 'anyOf') && containsType(acc, current)) {
    return combinedNode('anyOf', accumulateInto([...acc.subschemas], current), true);
  }
  if (current.kind === 'combined' && isGenerated(current, 'anyOf') && containsType(current, acc)) {
    return combinedNode('anyOf', accumulateInto([...current.subschemas], acc), true);
  }
  if (parent !== 'object' && acc.kind === 'combined') {
    return combinedNode(parent, [...acc.subschemas, ...flatten(current)], false);
  }
  let members: SchemaNode[] = [];
  for (const member of [...flatten(acc), ...flatten(current)]) members = accumulateInto(members, member);
  return combinedNode('allOf', members, true);
}

function fold(parent: FoldParent, acc: SchemaNode | undefined, current: SchemaNode | undefined): SchemaNode | undefined {
  if (acc === undefined) return current;
  if (current === undefined) return acc;
  return join(parent, acc, current);
}

function typeSchema(type: unknown, where: string): SchemaNode {
  switch (type) {
    case 'string':
      return stringNode();
    case 'integer':
    case 'number':
      return numberNode(type === 'integer');
    case 'boolean':
      return { kind: 'boolean', hasDefault: false };
    case 'null':
      return { kind: 'null', hasDefault: false };
    case 'array':
      return emptyArrayNode();
    case 'object':
      return emptyObjectNode();
    default:
      return fail(where, `unknown type ${JSON.stringify(type)}`);
  }
}

function generatedEmptyAllOf(): SchemaNode {
  return combinedNode('allOf', [], true);
}

export class ModernLoader {
  private readonly doc: SchemaDocument;
  private readonly targets = new Map<unknown, SchemaNode>();

  /** @param legacyTuples draft 2019-09: `items: [...]` + `additionalItems` mean what 2020-12 spells `prefixItems` + `items`. */
  constructor(
    root: unknown,
    private readonly legacyTuples: boolean,
  ) {
    this.doc = new SchemaDocument(root, '$id', ['$anchor', '$dynamicAnchor']);
  }

  loadRoot(): SchemaNode {
    return this.target(this.doc.root, '#');
  }

  private target(raw: unknown, where: string): SchemaNode {
    let node = this.targets.get(raw);
    if (node === undefined) {
      node = this.load(raw, where);
      this.targets.set(raw, node);
    }
    return node;
  }

  load(raw: unknown, where: string): SchemaNode {
    if (raw === true) return { kind: 'true', hasDefault: false };
    if (raw === false) return { kind: 'false', hasDefault: false };
    if (!isJsonObject(raw)) return fail(where, 'a schema must be an object or a boolean');
    const o = this.legacyTuples ? this.modernizeTuples(raw) : raw;

    // 1. One product per keyword, folded in document order.
    let acc: SchemaNode | undefined;
    for (const key of Object.keys(o)) {
      acc = fold('object', acc, this.keywordProduct(o, key, where));
    }
    // json-sKema's visitor turns "no keyword produced anything" into an empty generated allOf.
    acc ??= generatedEmptyAllOf();

    // 2. Then properties, pattern properties and the unevaluated* keywords, in that order.
    // json-sKema yields one single-property object schema per property, merged one by one; collecting
    // them into one object schema directly is the same result without the quadratic re-copying.
    const properties = readObject(o, 'properties', where);
    if (properties !== undefined && Object.keys(properties).length > 0) {
      const props = emptyObjectNode();
      for (const [name, value] of Object.entries(properties)) {
        props.properties.set(name, this.load(value, childWhere(where, 'properties', name)));
      }
      acc = fold('object', acc, props);
    }
    const patterns = readObject(o, 'patternProperties', where);
    if (patterns !== undefined && Object.keys(patterns).length > 0) {
      const pats = emptyObjectNode();
      for (const [source, value] of Object.entries(patterns)) {
        const w = childWhere(where, 'patternProperties', source);
        pats.patternProperties.push({ source, regex: compilePattern(source, w), schema: this.load(value, w) });
      }
      acc = fold('object', acc, pats);
    }
    if (o['unevaluatedItems'] !== undefined) {
      const node = emptyArrayNode();
      node.unevaluatedItems = this.load(o['unevaluatedItems'], childWhere(where, 'unevaluatedItems'));
      acc = fold('object', acc, node);
    }
    if (o['unevaluatedProperties'] !== undefined) {
      const node = emptyObjectNode();
      node.unevaluatedProperties = this.load(o['unevaluatedProperties'], childWhere(where, 'unevaluatedProperties'));
      acc = fold('object', acc, node);
    }

    // 3. A generated allOf of 0 or 1 members is no combination at all.
    let node: SchemaNode = acc as SchemaNode;
    if (node.kind === 'combined' && isGenerated(node, 'allOf')) {
      if (node.subschemas.length === 0) node = { kind: 'empty', hasDefault: false };
      else if (node.subschemas.length === 1) node = { ...(node.subschemas[0] as SchemaNode) };
    }

    // 4. Annotations of the schema object (never `$id`: json-sKema does not hand it over).
    const title = readString(o, 'title', where);
    if (title !== undefined) node.title = title;
    const description = readString(o, 'description', where);
    if (description !== undefined) node.description = description;
    if (Object.hasOwn(o, 'default') && o['default'] !== null) {
      node.default = { value: o['default'] };
      node.hasDefault = true;
    }

    // 5. Unknown keywords (and $defs) replace the unprocessed properties gathered by the fold.
    const unknown = Object.keys(o).filter((k) => !KNOWN_KEYWORDS.has(k));
    const defs = o['$defs'];
    if (unknown.length > 0 || (isJsonObject(defs) && Object.keys(defs).length > 0)) {
      delete node.unevaluatedProperties;
      delete node.unevaluatedItems;
      delete node.minContains;
      delete node.maxContains;
      delete node.connectType;
      const connectType = o['connect.type'];
      if (typeof connectType === 'string') node.connectType = connectType;
    }
    return node;
  }

  /** 2019-09 tuple syntax rewritten to its 2020-12 spelling, so one fold serves both drafts. */
  private modernizeTuples(o: RawObject): RawObject {
    if (!Array.isArray(o['items'])) return o;
    const out: RawObject = {};
    for (const [key, value] of Object.entries(o)) {
      if (key === 'items') out['prefixItems'] = value;
      else if (key === 'additionalItems') out['items'] = value;
      else out[key] = value;
    }
    return out;
  }

  private keywordProduct(o: RawObject, key: string, where: string): SchemaNode | undefined {
    const value = o[key];
    const w = childWhere(where, key);
    switch (key) {
      case '$ref':
      case '$dynamicRef': {
        // $dynamicRef is treated as a plain reference: enough for the recursive-schema idiom.
        const ref = readString(o, key, where) ?? '';
        const targetRaw = this.doc.resolve(ref, o);
        return { kind: 'ref', hasDefault: false, ref, target: () => this.target(targetRaw, ref) };
      }
      case 'additionalProperties': {
        const child = this.load(value, w);
        const node = emptyObjectNode();
        if (child.kind === 'false') node.permitsAdditionalProperties = false;
        else if (child.kind !== 'true') node.additionalPropertiesSchema = child;
        return node;
      }
      case 'type': {
        if (typeof value === 'string') return typeSchema(value, w);
        if (Array.isArray(value)) {
          return combinedNode('anyOf', value.map((t, i) => typeSchema(t, childWhere(w, i))), true);
        }
        return fail(w, 'expected a type name or an array of type names');
      }
      case 'required': {
        const node = emptyObjectNode();
        node.required = readStringArray(o, key, where) ?? [];
        return node;
      }
      case 'not':
        return { kind: 'not', hasDefault: false, mustNotMatch: this.load(value, w) };
      case 'minLength':
      case 'maxLength': {
        const node = stringNode();
        node[key] = readInteger(o, key, where);
        return node;
      }
      case 'pattern': {
        const node = stringNode();
        node.pattern = readString(o, key, where) ?? '';
        compilePattern(node.pattern, w);
        return node;
      }
      case 'minItems':
      case 'maxItems': {
        const node = emptyArrayNode();
        node[key] = readInteger(o, key, where);
        return node;
      }
      case 'uniqueItems': {
        const node = emptyArrayNode();
        node.uniqueItems = readBoolean(o, key, where) ?? false;
        return node;
      }
      case 'minProperties':
      case 'maxProperties': {
        const node = emptyObjectNode();
        node[key] = readInteger(o, key, where);
        return node;
      }
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
      case 'multipleOf': {
        const node = numberNode(false);
        node[key] = readNumber(o, key, where);
        return node;
      }
      case 'enum':
        return { kind: 'enum', hasDefault: false, values: readArray(o, key, where) ?? [] };
      case 'const':
        return { kind: 'const', hasDefault: false, value };
      case 'dependentRequired': {
        const node = emptyObjectNode();
        for (const [name, deps] of Object.entries(readObject(o, key, where) ?? {})) {
          if (!Array.isArray(deps)) fail(childWhere(w, name), 'expected an array of property names');
          for (const dep of deps) {
            if (typeof dep !== 'string') fail(childWhere(w, name), 'expected an array of property names');
            let set = node.propertyDependencies.get(name);
            if (set === undefined) node.propertyDependencies.set(name, (set = new Set()));
            set.add(dep);
          }
        }
        return node;
      }
      case 'dependentSchemas': {
        const node = emptyObjectNode();
        for (const [name, schema] of Object.entries(readObject(o, key, where) ?? {})) {
          node.schemaDependencies.set(name, this.load(schema, childWhere(w, name)));
        }
        return node;
      }
      case 'format':
      case 'readOnly':
      case 'writeOnly':
        // Ignored by the translator, but still a (void) product: an empty generated allOf.
        return generatedEmptyAllOf();
      case 'propertyNames':
        this.load(value, w);
        return emptyObjectNode();
      case 'if':
        for (const k of ['if', 'then', 'else']) if (o[k] !== undefined) this.load(o[k], childWhere(where, k));
        return { kind: 'conditional', hasDefault: false };
      case 'contains': {
        this.load(value, w);
        const node = emptyArrayNode();
        node.minContains = typeof o['minContains'] === 'number' ? o['minContains'] : 1;
        if (typeof o['maxContains'] === 'number') node.maxContains = o['maxContains'];
        return node;
      }
      case 'prefixItems': {
        const node = emptyArrayNode();
        node.itemSchemas = (readArray(o, key, where) ?? []).map((item, i) => this.load(item, childWhere(w, i)));
        return node;
      }
      case 'items': {
        const child = this.load(value, w);
        const node = emptyArrayNode();
        let additionalItemsFlag = true;
        if (child.kind === 'false') additionalItemsFlag = false;
        else if (child.kind !== 'true') {
          const prefixCount = Array.isArray(o['prefixItems']) ? o['prefixItems'].length : 0;
          if (prefixCount === 0) node.allItemsSchema = child;
          else node.additionalItemsSchema = child;
        }
        return finishArray(node, additionalItemsFlag);
      }
      case 'allOf':
      case 'anyOf':
      case 'oneOf': {
        // The combination starts as a real (not generated) empty one, so members are appended to it.
        let acc: SchemaNode = combinedNode(key, [], false);
        for (const [i, branch] of (readArray(o, key, where) ?? []).entries()) {
          acc = join(key, acc, this.load(branch, childWhere(w, i)));
        }
        return acc;
      }
      default:
        return undefined;
    }
  }
}
