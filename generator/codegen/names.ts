/**
 * TypeScript identifiers from schema names: PascalCase type names, camelCase members, and a scope
 * that hands out each name once, so two schema names that map to one identifier never collide.
 */

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof new null return super switch this throw true try typeof var void while with as implements interface ' +
    'let package private protected public static yield any boolean constructor declare get module require number set string ' +
    'symbol type from of unknown never object undefined bigint async await is keyof readonly infer satisfies'
  ).split(' '),
);

/** Global names generated code uses; a schema type must not shadow them. */
const GLOBALS = [
  'Array', 'ReadonlyArray', 'Record', 'Partial', 'Buffer', 'Promise', 'Date', 'Map', 'Set', 'Error', 'Object', 'String',
  'Number', 'Boolean', 'Symbol', 'Function', 'JSON', 'Math', 'RegExp', 'Uint8Array', 'BigInt', 'Exclude', 'Extract',
  'Pick', 'Omit', 'Required', 'Readonly', 'NonNullable', 'ReturnType', 'Parameters', 'Awaited', 'globalThis',
  'EventCodec', 'EventHandler', 'HeraldRuntime', 'PublishOptions', 'PublishResult', 'OutboxWriteResult', 'SqlExecutor',
  'ConsumeOptions', 'ConsumerHandle', 'HandlerContext', 'Subscription',
];

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && !RESERVED.has(name);
}

/** Words of a name: `order_placed-v2` → order, placed, v2; `lineItems` → line, Items. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

export function pascalCase(name: string): string {
  const result = words(name)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  if (!result) return 'Type';
  return /^[0-9]/.test(result) ? `T${result}` : result;
}

export function camelCase(name: string): string {
  const pascal = pascalCase(name);
  const camel = pascal.charAt(0).toLowerCase() + pascal.slice(1);
  return RESERVED.has(camel) ? `${camel}_` : camel;
}

/** A property key as TypeScript needs it: bare when an identifier, else quoted. */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** Hands out unique identifiers in one module. */
export class NameScope {
  private readonly taken = new Set<string>(GLOBALS);

  reserve(name: string): void {
    this.taken.add(name);
  }

  has(name: string): boolean {
    return this.taken.has(name);
  }

  /** The first free candidate, else the first with a number appended (`Address2`). */
  claim(...candidates: string[]): string {
    const usable = candidates.filter((c) => c && isIdentifier(c));
    for (const candidate of usable) {
      if (!this.taken.has(candidate)) {
        this.taken.add(candidate);
        return candidate;
      }
    }
    const base = usable[0] ?? 'Type';
    for (let n = 2; ; n++) {
      if (!this.taken.has(`${base}${n}`)) {
        this.taken.add(`${base}${n}`);
        return `${base}${n}`;
      }
    }
  }
}
