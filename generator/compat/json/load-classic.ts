/**
 * Loads draft 4/6/7 schemas the way everit's `SchemaLoader` does (Confluent's loader for these drafts).
 *
 * everit runs a fixed series of extractors over one schema object, each consuming its keywords: `$ref`
 * (which then shadows everything else), `enum`, `allOf`/`anyOf`/`oneOf`, `not`, `const`, `type` (which
 * consumes the keywords of the named types), then a sniffer that builds a schema for each keyword family
 * still left (array, object, number, string, if/then/else). One result is the schema; several become a
 * synthetic `allOf`. everit keeps them in a hash set, so its `allOf` order is arbitrary; here it is the
 * extractor order, which is stable.
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

export type ClassicDraft = 4 | 6 | 7;

const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const STRING_KEYWORDS = ['minLength', 'maxLength', 'pattern', 'format'];
const CONDITIONAL_KEYWORDS = ['if', 'then', 'else'];
const COMBINED_KEYWORDS: Criterion[] = ['allOf', 'anyOf', 'oneOf'];

const ARRAY_KEYWORDS_V4 = ['items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems'];
const ARRAY_KEYWORDS = [...ARRAY_KEYWORDS_V4, 'contains'];
const OBJECT_KEYWORDS_V4 = [
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'dependencies',
  'patternProperties',
  'additionalProperties',
];
const OBJECT_KEYWORDS = [...OBJECT_KEYWORDS_V4, 'propertyNames'];

/** Keyword families: an extractor that builds a family's schema consumes all of its keywords. */
type Family = 'array' | 'object' | 'number' | 'string' | 'conditional';

export class ClassicLoader {
  private readonly doc: SchemaDocument;
  private readonly idKeyword: string;
  private readonly arrayKeywords: readonly string[];
  private readonly objectKeywords: readonly string[];
  /** Ref targets by raw node: everit resolves each pointer once, so all `$ref`s to it share one schema. */
  private readonly targets = new Map<unknown, SchemaNode>();

  constructor(
    root: unknown,
    private readonly draft: ClassicDraft,
  ) {
    this.idKeyword = draft === 4 ? 'id' : '$id';
    this.arrayKeywords = draft === 4 ? ARRAY_KEYWORDS_V4 : ARRAY_KEYWORDS;
    this.objectKeywords = draft === 4 ? OBJECT_KEYWORDS_V4 : OBJECT_KEYWORDS;
    this.doc = new SchemaDocument(root, this.idKeyword, []);
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
    const o = raw;
    const extracted: SchemaNode[] = [];

    if (o['$ref'] !== undefined) {
      const ref = readString(o, '$ref', where) ?? '';
      const targetRaw = this.doc.resolve(ref, o);
      extracted.push({
        kind: 'ref',
        hasDefault: false,
        ref,
        target: () => this.target(targetRaw, ref),
      });
    } else {
      this.extractKeywordSchemas(o, where, extracted);
    }

    const node: SchemaNode =
      extracted.length === 0
        ? { kind: 'empty', hasDefault: false }
        : extracted.length === 1
          ? (extracted[0] as SchemaNode)
          : combinedNode('allOf', extracted, true);

    // Common attributes land on whatever the extractors produced, even a synthetic allOf or a $ref.
    const id = o[this.idKeyword];
    if (typeof id === 'string') node.id = id;
    const title = readString(o, 'title', where);
    if (title !== undefined) node.title = title;
    const description = readString(o, 'description', where);
    if (description !== undefined) node.description = description;
    if (Object.hasOwn(o, 'default')) {
      node.default = { value: o['default'] };
      // everit keeps a JSON null default as JSONObject.NULL, which still counts as "has a default".
      node.hasDefault = true;
    }
    // No extractor consumes these, so they stay "unprocessed" properties, which the diff reads by name.
    const connectType = o['connect.type'];
    if (typeof connectType === 'string') node.connectType = connectType;
    if (typeof o['minContains'] === 'number') node.minContains = o['minContains'];
    if (typeof o['maxContains'] === 'number') node.maxContains = o['maxContains'];
    return node;
  }

  private extractKeywordSchemas(o: RawObject, where: string, out: SchemaNode[]): void {
    if (o['enum'] !== undefined) {
      out.push({ kind: 'enum', hasDefault: false, values: readArray(o, 'enum', where) ?? [] });
    }
    for (const criterion of COMBINED_KEYWORDS) {
      if (o[criterion] === undefined) continue;
      const branches = readArray(o, criterion, where) ?? [];
      out.push(
        combinedNode(
          criterion,
          branches.map((b, i) => this.load(b, childWhere(where, criterion, i))),
          false,
        ),
      );
    }
    if (o['not'] !== undefined) {
      out.push({ kind: 'not', hasDefault: false, mustNotMatch: this.load(o['not'], childWhere(where, 'not')) });
    }
    if (this.draft !== 4 && o['const'] !== undefined) {
      out.push({ kind: 'const', hasDefault: false, value: o['const'] });
    }
    // `type` consumes the keyword families of the types it names; the sniffer then handles the rest.
    const consumed = new Set<Family>();
    const type = o['type'];
    if (typeof type === 'string') {
      out.push(this.forType(type, o, where, consumed));
    } else if (Array.isArray(type)) {
      const branches = type.map((t, i) =>
        typeof t === 'string' ? this.forType(t, o, where, consumed) : fail(childWhere(where, 'type', i), 'expected a type name'),
      );
      out.push(combinedNode('anyOf', branches, true));
    } else if (type !== undefined) {
      fail(childWhere(where, 'type'), 'expected a type name or an array of type names');
    }
    const present = (family: Family, keywords: readonly string[]): boolean =>
      !consumed.has(family) && keywords.some((k) => o[k] !== undefined);
    if (present('array', this.arrayKeywords)) out.push(this.buildArray(o, where));
    if (present('object', this.objectKeywords)) out.push(this.buildObject(o, where));
    if (present('number', NUMBER_KEYWORDS)) out.push(this.buildNumber(o, where, false));
    if (present('string', STRING_KEYWORDS)) out.push(this.buildString(o, where));
    if (this.draft === 7 && present('conditional', CONDITIONAL_KEYWORDS)) {
      for (const key of CONDITIONAL_KEYWORDS) {
        if (o[key] !== undefined) this.load(o[key], childWhere(where, key));
      }
      out.push({ kind: 'conditional', hasDefault: false });
    }
  }

  private forType(type: string, o: RawObject, where: string, consumed: Set<Family>): SchemaNode {
    switch (type) {
      case 'string':
        consumed.add('string');
        return this.buildString(o, where);
      case 'integer':
      case 'number':
        consumed.add('number');
        return this.buildNumber(o, where, type === 'integer');
      case 'boolean':
        return { kind: 'boolean', hasDefault: false };
      case 'null':
        return { kind: 'null', hasDefault: false };
      case 'array':
        consumed.add('array');
        return this.buildArray(o, where);
      case 'object':
        consumed.add('object');
        return this.buildObject(o, where);
      default:
        return fail(childWhere(where, 'type'), `unknown type ${JSON.stringify(type)}`);
    }
  }

  private buildString(o: RawObject, where: string): StringNode {
    const node = stringNode();
    const minLength = readInteger(o, 'minLength', where);
    if (minLength !== undefined) node.minLength = minLength;
    const maxLength = readInteger(o, 'maxLength', where);
    if (maxLength !== undefined) node.maxLength = maxLength;
    const pattern = readString(o, 'pattern', where);
    if (pattern !== undefined) {
      compilePattern(pattern, childWhere(where, 'pattern'));
      node.pattern = pattern;
    }
    return node;
  }

  private buildNumber(o: RawObject, where: string, requiresInteger: boolean): NumberNode {
    const node = numberNode(requiresInteger);
    const minimum = readNumber(o, 'minimum', where);
    if (minimum !== undefined) node.minimum = minimum;
    const maximum = readNumber(o, 'maximum', where);
    if (maximum !== undefined) node.maximum = maximum;
    const multipleOf = readNumber(o, 'multipleOf', where);
    if (multipleOf !== undefined) {
      if (multipleOf === 0) fail(childWhere(where, 'multipleOf'), 'multipleOf should not be 0');
      node.multipleOf = multipleOf;
    }
    // Draft 4 spells exclusive limits as boolean flags on minimum/maximum; Confluent's diff ignores them.
    if (this.draft === 4) {
      readBoolean(o, 'exclusiveMinimum', where);
      readBoolean(o, 'exclusiveMaximum', where);
    } else {
      const exclusiveMinimum = readNumber(o, 'exclusiveMinimum', where);
      if (exclusiveMinimum !== undefined) node.exclusiveMinimum = exclusiveMinimum;
      const exclusiveMaximum = readNumber(o, 'exclusiveMaximum', where);
      if (exclusiveMaximum !== undefined) node.exclusiveMaximum = exclusiveMaximum;
    }
    return node;
  }

  private isSchemaValue(value: unknown): boolean {
    return isJsonObject(value) || (this.draft !== 4 && typeof value === 'boolean');
  }

  private buildArray(o: RawObject, where: string): ArrayNode {
    const node = emptyArrayNode();
    const minItems = readInteger(o, 'minItems', where);
    if (minItems !== undefined) node.minItems = minItems;
    const maxItems = readInteger(o, 'maxItems', where);
    if (maxItems !== undefined) node.maxItems = maxItems;
    node.uniqueItems = readBoolean(o, 'uniqueItems', where) ?? false;
    let additionalItemsFlag = true;
    const additionalItems = o['additionalItems'];
    if (typeof additionalItems === 'boolean') {
      additionalItemsFlag = additionalItems;
    } else if (isJsonObject(additionalItems)) {
      node.additionalItemsSchema = this.load(additionalItems, childWhere(where, 'additionalItems'));
    } else if (additionalItems !== undefined) {
      fail(childWhere(where, 'additionalItems'), 'expected a boolean or a schema');
    }
    const items = o['items'];
    if (Array.isArray(items)) {
      node.itemSchemas = items.map((item, i) => this.load(item, childWhere(where, 'items', i)));
    } else if (this.isSchemaValue(items)) {
      node.allItemsSchema = this.load(items, childWhere(where, 'items'));
    } else if (items !== undefined) {
      fail(childWhere(where, 'items'), 'expected a schema or an array of schemas');
    }
    if (this.draft !== 4 && o['contains'] !== undefined) this.load(o['contains'], childWhere(where, 'contains'));
    return finishArray(node, additionalItemsFlag);
  }

  private buildObject(o: RawObject, where: string): ObjectNode {
    const node = emptyObjectNode();
    const minProperties = readInteger(o, 'minProperties', where);
    if (minProperties !== undefined) node.minProperties = minProperties;
    const maxProperties = readInteger(o, 'maxProperties', where);
    if (maxProperties !== undefined) node.maxProperties = maxProperties;
    const properties = readObject(o, 'properties', where);
    if (properties !== undefined) {
      for (const [name, value] of Object.entries(properties)) {
        // everit skips a property named like the id keyword unless its value is a schema object.
        if (name === this.idKeyword && !isJsonObject(value)) continue;
        node.properties.set(name, this.load(value, childWhere(where, 'properties', name)));
      }
    }
    const additional = o['additionalProperties'];
    if (typeof additional === 'boolean') {
      node.permitsAdditionalProperties = additional;
    } else if (isJsonObject(additional)) {
      node.additionalPropertiesSchema = this.load(additional, childWhere(where, 'additionalProperties'));
    } else if (additional !== undefined) {
      fail(childWhere(where, 'additionalProperties'), 'expected a boolean or a schema');
    }
    node.required = readStringArray(o, 'required', where) ?? [];
    const patterns = readObject(o, 'patternProperties', where);
    if (patterns !== undefined) {
      for (const [source, value] of Object.entries(patterns)) {
        const w = childWhere(where, 'patternProperties', source);
        node.patternProperties.push({ source, regex: compilePattern(source, w), schema: this.load(value, w) });
      }
    }
    const dependencies = readObject(o, 'dependencies', where);
    if (dependencies !== undefined) {
      for (const [name, value] of Object.entries(dependencies)) {
        const w = childWhere(where, 'dependencies', name);
        if (Array.isArray(value)) {
          for (const [i, dep] of value.entries()) {
            if (typeof dep !== 'string') fail(childWhere(w, i), 'expected a property name');
            let set = node.propertyDependencies.get(name);
            if (set === undefined) node.propertyDependencies.set(name, (set = new Set()));
            set.add(dep);
          }
        } else if (this.isSchemaValue(value)) {
          node.schemaDependencies.set(name, this.load(value, w));
        } else {
          fail(w, 'expected an array of property names or a schema');
        }
      }
    }
    if (this.draft !== 4 && o['propertyNames'] !== undefined) this.load(o['propertyNames'], childWhere(where, 'propertyNames'));
    return node;
  }
}
