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

/**
 * The primitive type `value` names, as the literal from this module, or undefined. Returning the
 * literal rather than the input string lets later type comparisons succeed on identity. Goes by
 * length first: this runs for every type name in both schemas.
 */
export function primitiveType(value: string): PrimitiveType | undefined {
  switch (value.length) {
    case 3:
      return value === 'int' ? 'int' : undefined;
    case 4:
      return value === 'null' ? 'null' : value === 'long' ? 'long' : undefined;
    case 5:
      return value === 'float' ? 'float' : value === 'bytes' ? 'bytes' : undefined;
    case 6:
      return value === 'double' ? 'double' : value === 'string' ? 'string' : undefined;
    case 7:
      return value === 'boolean' ? 'boolean' : undefined;
    default:
      return undefined;
  }
}

export function isPrimitiveType(value: string): value is PrimitiveType {
  return primitiveType(value) !== undefined;
}

/** A resolved name: `namespace` is undefined for the null namespace. */
export class AvroName {
  private full: string | undefined;

  constructor(
    /** The unqualified name, which is what schema resolution compares. */
    readonly name: string,
    readonly namespace: string | undefined,
  ) {}

  /** Joined on first use: most names are only ever compared unqualified. */
  get fullName(): string {
    return (this.full ??= this.namespace === undefined ? this.name : `${this.namespace}.${this.name}`);
  }
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
  return new AvroName(name, space === '' ? undefined : space);
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
  // Most schemas define a handful of names, for which scanning a list beats hashing; a map keyed
  // by full name takes over for large schemas.
  private readonly names: AvroName[] = [];
  private readonly values: T[] = [];
  private byFullName: Map<string, T> | undefined;

  define(name: AvroName, value: T): void {
    if (this.find(name.name, name.namespace) !== undefined) {
      throw new InvalidNameError(`\`${name.fullName}\` is defined twice`);
    }
    this.names.push(name);
    this.values.push(value);
    if (this.byFullName !== undefined) this.byFullName.set(name.fullName, value);
    else if (this.names.length > SCAN_LIMIT) {
      this.byFullName = new Map();
      for (let i = 0; i < this.names.length; i++) this.byFullName.set((this.names[i] as AvroName).fullName, this.values[i] as T);
    }
  }

  /** Looks up a reference made inside `namespace`, with Java's fallback to the null namespace. */
  resolve(reference: string, namespace: string | undefined): T | undefined {
    const lastDot = reference.lastIndexOf('.');
    if (lastDot >= 0) {
      const space = reference.slice(0, lastDot);
      return this.find(reference.slice(lastDot + 1), space === '' ? undefined : space);
    }
    if (namespace !== undefined) {
      const found = this.find(reference, namespace);
      if (found !== undefined) return found;
    }
    return this.find(reference, undefined);
  }

  private find(name: string, namespace: string | undefined): T | undefined {
    if (this.byFullName !== undefined) return this.byFullName.get(namespace === undefined ? name : `${namespace}.${name}`);
    const names = this.names;
    for (let i = 0; i < names.length; i++) {
      const candidate = names[i] as AvroName;
      if (candidate.name === name && candidate.namespace === namespace) return this.values[i];
    }
    return undefined;
  }
}

const SCAN_LIMIT = 16;
