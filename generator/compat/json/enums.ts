/** `enum` and `const` changes (`EnumSchemaDiff`, `ConstSchemaDiff`), compared as sets of JSON values. */
import { canonicalJson } from './canonical.js';
import type { DiffContext } from './context.js';
import type { ConstNode, EnumNode } from './schema-model.js';

function valueSet(values: readonly unknown[]): Set<string> {
  return new Set(values.map(canonicalJson));
}

function containsAll(set: ReadonlySet<string>, subset: ReadonlySet<string>): boolean {
  for (const value of subset) if (!set.has(value)) return false;
  return true;
}

function listed(values: Iterable<string>): string {
  return [...values].join(', ');
}

export function compareEnums(ctx: DiffContext, original: EnumNode, update: EnumNode): void {
  const before = valueSet(original.values);
  const after = valueSet(update.values);
  if (before.size === after.size && containsAll(after, before)) return;
  const added = [...after].filter((v) => !before.has(v));
  const removed = [...before].filter((v) => !after.has(v));
  if (removed.length === 0) ctx.addAt('enum', 'ENUM_ARRAY_EXTENDED', { to: listed(added) });
  else if (added.length === 0) ctx.addAt('enum', 'ENUM_ARRAY_NARROWED', { from: listed(removed) });
  else ctx.addAt('enum', 'ENUM_ARRAY_CHANGED', { from: listed(removed), to: listed(added) });
}

export function compareConsts(ctx: DiffContext, original: ConstNode, update: ConstNode): void {
  const before = canonicalJson(original.value);
  const after = canonicalJson(update.value);
  if (before !== after) ctx.addAt('const', 'ENUM_ARRAY_CHANGED', { from: before, to: after });
}
