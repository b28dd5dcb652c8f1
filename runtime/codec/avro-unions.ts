/**
 * How herald represents Avro unions in JavaScript, shared by the generator (which writes the
 * TypeScript types) and the runtime (which reads and writes the values), so the two cannot drift.
 *
 * avsc's default (`wrapUnions: 'auto'`) decides per union: when no two branches fall into the same
 * JavaScript "bucket" (null, boolean, number, string, buffer, object, array), a value is the bare
 * branch value (`null | string | number`), which `typeof`/`Array.isArray` tell apart. When two
 * branches share a bucket (two records, int + double, string + enum, bytes + fixed, map + record),
 * herald tags the value instead of avsc's `{ 'com.acme.Branch': value }` wrapper:
 * `{ kind: 'Branch', value }` (or `null` for the null branch). The tag is the branch's short name
 * when no other branch of the union shares it, otherwise its full name; primitives, maps and arrays
 * are tagged with their type name (`long`, `map`).
 */

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/** The logical types herald's runtime registers with avsc (they stay out of the bucket rule, as in avsc). */
export const RUNTIME_LOGICAL_TYPES: ReadonlySet<string> = new Set(['decimal']);

/** What a union branch is: its avsc branch name and bucket (`logical` is never ambiguous). */
export interface UnionBranch {
  name: string;
  bucket: string;
}

/** A named type the branch may refer to: its Avro type (`record`, `enum`, `fixed`, …) and whether avsc made it a logical type. */
export interface NamedTypeInfo {
  typeName: string;
  logical: boolean;
}

export function isPrimitiveName(name: string): boolean {
  return PRIMITIVES.has(name);
}

/** avsc's `maybeQualify`: a name without a dot is in the enclosing namespace. */
export function qualify(name: string, namespace: string | undefined): string {
  if (PRIMITIVES.has(name) || name.includes('.') || !namespace) return name;
  return `${namespace}.${name}`;
}

/** avsc's `getTypeBucket`. */
export function bucketOf(typeName: string): string {
  switch (typeName) {
    case 'double':
    case 'float':
    case 'int':
    case 'long':
      return 'number';
    case 'bytes':
    case 'fixed':
      return 'buffer';
    case 'enum':
      return 'string';
    case 'map':
    case 'error':
    case 'record':
      return 'object';
    default:
      return typeName;
  }
}

/** Whether an Avro decimal's attributes are valid (avsc falls back to the base type otherwise). */
export function isValidDecimal(schema: Record<string, unknown>): boolean {
  const precision = schema['precision'];
  const scale = schema['scale'] ?? 0;
  if (typeof precision !== 'number' || !Number.isInteger(precision) || precision <= 0) return false;
  if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > precision) return false;
  if (schema['type'] === 'fixed') {
    const size = schema['size'];
    if (typeof size !== 'number') return false;
    const maxPrecision = Math.floor(Math.log10(2) * (8 * size - 1));
    if (precision > maxPrecision) return false;
  }
  return schema['type'] === 'bytes' || schema['type'] === 'fixed';
}

/** Describes one branch schema of a union as avsc will see it. */
export function describeBranch(
  schema: unknown,
  namespace: string | undefined,
  lookup: (fullName: string) => NamedTypeInfo | undefined,
): UnionBranch {
  if (typeof schema === 'string') {
    if (PRIMITIVES.has(schema)) return { name: schema, bucket: bucketOf(schema) };
    const fullName = qualify(schema, namespace);
    const info = lookup(fullName);
    return { name: fullName, bucket: info?.logical ? 'logical' : bucketOf(info?.typeName ?? 'record') };
  }
  if (schema && typeof schema === 'object' && !Array.isArray(schema)) {
    const object = schema as Record<string, unknown>;
    const type = String(object['type']);
    const logical = typeof object['logicalType'] === 'string' && RUNTIME_LOGICAL_TYPES.has(object['logicalType']) && isValidDecimal(object);
    if (typeof object['name'] === 'string' && (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed')) {
      const ns = typeof object['namespace'] === 'string' ? object['namespace'] : namespace;
      return { name: qualify(object['name'], ns || undefined), bucket: logical ? 'logical' : bucketOf(type) };
    }
    return { name: type, bucket: logical ? 'logical' : bucketOf(type) };
  }
  return { name: 'union', bucket: 'union' };
}

/** avsc's `isAmbiguous`: two non-logical branches in one bucket. */
export function isAmbiguousUnion(branches: readonly UnionBranch[]): boolean {
  const seen = new Set<string>();
  for (const branch of branches) {
    if (branch.bucket === 'logical') continue;
    if (seen.has(branch.bucket)) return true;
    seen.add(branch.bucket);
  }
  return false;
}

/** The `kind` of each branch of a tagged union: the short name unless two branches share it. */
export function unionTags(branchNames: readonly string[]): string[] {
  const shortOf = (name: string) => name.slice(name.lastIndexOf('.') + 1);
  const counts = new Map<string, number>();
  for (const name of branchNames) counts.set(shortOf(name), (counts.get(shortOf(name)) ?? 0) + 1);
  return branchNames.map((name) => (counts.get(shortOf(name)) === 1 ? shortOf(name) : name));
}
