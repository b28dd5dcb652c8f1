/**
 * `$ref` resolution inside one schema document.
 *
 * Only references into the same document are supported (JSON pointers, `$id`-identified subschemas and
 * anchors): a registry compatibility check has no other documents to fetch, and Confluent's own schema
 * references are a separate mechanism. Anything else is an invalid schema for herald.
 */

/** Base URI of a document without `$id`; json-sKema uses `mem://input` too. */
const DEFAULT_BASE = 'mem://input/';

/** Keywords whose values are data, not schemas: `$id`-looking keys inside them must not be indexed. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples']);
/** Keywords whose values map arbitrary names to schemas, so a name like `enum` there is a schema. */
const MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependencies', 'dependentSchemas']);

export class InvalidJsonSchemaError extends Error {
  override name = 'InvalidJsonSchemaError';
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stripFragment(uri: string): string {
  const hash = uri.indexOf('#');
  return hash === -1 ? uri : uri.slice(0, hash);
}

function decodeFragment(ref: string, fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    throw new InvalidJsonSchemaError(`invalid $ref '${ref}'`);
  }
}

function resolveUri(ref: string, base: string): string {
  try {
    return new URL(ref, base).href;
  } catch {
    throw new InvalidJsonSchemaError(`invalid $ref or $id '${ref}'`);
  }
}

export class SchemaDocument {
  private readonly baseOf = new WeakMap<object, string>();
  private readonly byUri = new Map<string, unknown>();
  private readonly anchors = new Map<string, unknown>();
  private readonly rootUri: string;
  private indexed = false;

  /**
   * @param idKeyword `id` for draft 4, `$id` otherwise.
   * @param anchorKeywords keywords that name a plain-name fragment (`$anchor`, `$dynamicAnchor` in 2019-09+).
   */
  constructor(
    readonly root: unknown,
    private readonly idKeyword: string,
    private readonly anchorKeywords: readonly string[],
  ) {
    this.rootUri = stripFragment(this.childBase(root, DEFAULT_BASE));
    this.byUri.set(this.rootUri, root);
  }

  /** Indexes `$id`s and anchors on first use: most schemas have no `$ref` at all. */
  private ensureIndexed(): void {
    if (this.indexed) return;
    this.indexed = true;
    this.index(this.root, this.rootUri);
  }

  /** The base URI in force at `node` (a raw schema object of this document). */
  base(node: unknown): string {
    this.ensureIndexed();
    return (isJsonObject(node) && this.baseOf.get(node)) || this.rootUri;
  }

  /** The raw JSON a `$ref` found at `node` points to. */
  resolve(ref: string, node: unknown): unknown {
    const base = this.base(node);
    let docUri: string;
    let fragment: string;
    if (ref.startsWith('#')) {
      // Same-document reference: no URI arithmetic needed.
      docUri = base;
      fragment = decodeFragment(ref, ref.slice(1));
    } else {
      const absolute = resolveUri(ref, base);
      const hash = absolute.indexOf('#');
      docUri = hash === -1 ? absolute : absolute.slice(0, hash);
      fragment = hash === -1 ? '' : decodeFragment(ref, absolute.slice(hash + 1));
    }
    const doc = this.byUri.get(docUri);
    if (doc === undefined) {
      throw new InvalidJsonSchemaError(`unresolvable $ref '${ref}': only references within the schema are supported`);
    }
    if (fragment === '') return doc;
    if (!fragment.startsWith('/')) {
      const anchored = this.anchors.get(`${docUri}#${fragment}`);
      if (anchored === undefined) throw new InvalidJsonSchemaError(`unresolvable $ref '${ref}': no anchor '${fragment}'`);
      return anchored;
    }
    const target = this.pointer(doc, fragment);
    if (target === undefined) throw new InvalidJsonSchemaError(`unresolvable $ref '${ref}'`);
    return target;
  }

  private pointer(doc: unknown, fragment: string): unknown {
    const segments = fragment
      .slice(1)
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    let current: unknown = doc;
    for (const [i, segment] of segments.entries()) {
      if (Array.isArray(current)) {
        current = /^(0|[1-9][0-9]*)$/.test(segment) ? current[Number(segment)] : undefined;
      } else if (isJsonObject(current)) {
        let next = Object.hasOwn(current, segment) ? current[segment] : undefined;
        // Confluent copies top-level `definitions` into `$defs` before loading, so `#/$defs/X` also finds
        // a body kept under `definitions` (and only at the top level).
        if (next === undefined && i === 0 && doc === this.root && segment === '$defs') {
          next = current['definitions'];
        } else if (
          next === undefined &&
          i === 1 &&
          doc === this.root &&
          segments[0] === '$defs' &&
          isJsonObject(this.root) &&
          isJsonObject(this.root['definitions'])
        ) {
          next = this.root['definitions'][segment];
        }
        current = next;
      } else {
        return undefined;
      }
      if (current === undefined) return undefined;
    }
    return current;
  }

  private childBase(node: unknown, parentBase: string): string {
    if (!isJsonObject(node)) return parentBase;
    const id = node[this.idKeyword];
    return typeof id === 'string' ? resolveUri(id, parentBase) : parentBase;
  }

  private index(node: unknown, parentBase: string, isNameMap = false): void {
    if (Array.isArray(node)) {
      for (const item of node) this.index(item, parentBase);
      return;
    }
    if (!isJsonObject(node)) return;
    if (isNameMap) {
      for (const value of Object.values(node)) this.index(value, parentBase);
      return;
    }
    const base = this.childBase(node, parentBase);
    // Only subtrees under a nested `$id` need an entry; everything else resolves against the root.
    if (stripFragment(base) !== this.rootUri) this.baseOf.set(node, stripFragment(base));
    if (base !== parentBase) {
      const hash = base.indexOf('#');
      if (hash === -1) this.byUri.set(base, node);
      // Draft 6/7 style location-independent identifier: `"$id": "#foo"`.
      else if (hash < base.length - 1) this.anchors.set(base, node);
      else this.byUri.set(base.slice(0, hash), node);
    }
    for (const keyword of this.anchorKeywords) {
      const anchor = node[keyword];
      if (typeof anchor === 'string') this.anchors.set(`${stripFragment(base)}#${anchor}`, node);
    }
    for (const [key, value] of Object.entries(node)) {
      if (!DATA_KEYWORDS.has(key)) this.index(value, stripFragment(base), MAP_KEYWORDS.has(key));
    }
  }
}
