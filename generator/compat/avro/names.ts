/**
 * Avro names as Avro Java understands them, which is what Confluent Schema Registry runs.
 *
 * The places where implementations disagree are all here, so they are decided once:
 * - a dotted name carries its own namespace and overrides any `namespace` attribute;
 * - an empty namespace (`""`, or a leading dot as in `.Foo`) means the null namespace;
 * - an unqualified alias of a named type is qualified with that type's own namespace
 *   (python3-avro 1.11.1 compares raw alias strings instead; Java is the reference);
 * - an unqualified reference is looked up in the enclosing namespace first and then in the
 *   null namespace (python3-avro 1.11.1 only tries the enclosing namespace).
 */

export const PRIMITIVE_TYPES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'] as const;
export type PrimitiveType = (typeof PRIMITIVE_TYPES)[number];

const PRIMITIVE_SET: ReadonlySet<string> = new Set(PRIMITIVE_TYPES);

export function isPrimitiveType(value: string): value is PrimitiveType {
  return PRIMITIVE_SET.has(value);
}

/** A resolved name: `namespace` is undefined for the null namespace. */
export interface AvroName {
  /** The unqualified name, which is what schema resolution compares. */
  name: string;
  namespace: string | undefined;
  fullName: string;
}

/**
 * Java's validator (Character.isLetter / isLetterOrDigit): a letter or `_`, then letters, digits
 * or `_`. Checked by char code for ASCII, which almost every real name is; anything else goes
 * to the Unicode pattern.
 */
const UNICODE_NAME = /^[\p{L}_][\p{L}\p{Nd}_]*$/u;

export function isValidName(name: string): boolean {
  const length = name.length;
  if (length === 0) return false;
  for (let i = 0; i < length; i++) {
    const c = name.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) continue;
    if (c >= 48 && c <= 57 && i > 0) continue;
    return c >= 128 && UNICODE_NAME.test(name);
  }
  return true;
}

/** Thrown for a name that Avro Java's parser would reject; the parser adds the location. */
export class InvalidNameError extends Error {}

/**
 * Builds a name from a `name` attribute (or an alias or reference) and the namespace that applies
 * to it. Only the last dotted segment is validated, as Java does: namespaces are taken as given.
 */
export function makeName(raw: string, namespace: string | undefined): AvroName {
  const lastDot = raw.lastIndexOf('.');
  let name = raw;
  let space = namespace;
  if (lastDot >= 0) {
    space = raw.slice(0, lastDot);
    name = raw.slice(lastDot + 1);
  }
  if (!isValidName(name)) {
    throw new InvalidNameError(
      name === '' ? `empty name in \`${raw}\`` : `\`${raw}\` is not a valid Avro name (letters, digits and _, not starting with a digit)`,
    );
  }
  if (space === '') space = undefined;
  return { name, namespace: space, fullName: space === undefined ? name : `${space}.${name}` };
}

/**
 * The full names a reader's aliases stand for. An unqualified alias lives in the aliased type's
 * own namespace (Avro Java 1.11); python3-avro compares the raw string instead.
 */
export function qualifyAliases(aliases: readonly string[], owner: AvroName): Set<string> {
  const result = new Set<string>();
  for (const alias of aliases) result.add(makeName(alias, owner.namespace).fullName);
  return result;
}

/**
 * The named types defined so far while one schema is parsed. Avro is single pass: a name must
 * be defined before it is used, except that a record may refer to itself from its own fields.
 */
export class NameTable<T> {
  // Keyed by namespace and then unqualified name, so that looking up a reference needs no
  // string concatenation; '' stands for the null namespace.
  private readonly byNamespace = new Map<string, Map<string, T>>();

  define(name: AvroName, value: T): void {
    const space = name.namespace ?? '';
    let names = this.byNamespace.get(space);
    if (names === undefined) {
      names = new Map();
      this.byNamespace.set(space, names);
    }
    if (names.has(name.name)) throw new InvalidNameError(`\`${name.fullName}\` is defined twice`);
    names.set(name.name, value);
  }

  /** Looks up a reference made inside `namespace`, with Java's fallback to the null namespace. */
  resolve(reference: string, namespace: string | undefined): T | undefined {
    const lastDot = reference.lastIndexOf('.');
    if (lastDot >= 0) return this.byNamespace.get(reference.slice(0, lastDot))?.get(reference.slice(lastDot + 1));
    if (namespace !== undefined) {
      const found = this.byNamespace.get(namespace)?.get(reference);
      if (found !== undefined) return found;
    }
    return this.byNamespace.get('')?.get(reference);
  }
}
