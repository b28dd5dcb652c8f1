/**
 * What changed between two versions of an event, field by field, in the words a reviewer uses:
 * fields added, removed, and changed (type, required, default, enum symbols, limits). Documentation
 * edits are kept apart, since they never affect compatibility.
 */
import type { FieldConstraint, FieldRow } from './field-table.js';

export interface ChangedField {
  /** The field as it is in the newer version. */
  row: FieldRow;
  /** One line per change, e.g. `type: int → double`, `symbols: + AT_RISK`. */
  changes: string[];
}

export interface VersionDiff {
  added: FieldRow[];
  removed: FieldRow[];
  changed: ChangedField[];
  /** Fields whose only change is their documentation. */
  docsChanged: FieldRow[];
}

/** Constraints whose value is a list: compared as sets, so a reordering is not reported as a change. */
const LIST_CONSTRAINTS = new Set(['symbols', 'values', 'item values', 'aliases']);

export function diffFieldTables(before: readonly FieldRow[], after: readonly FieldRow[]): VersionDiff {
  const old = new Map(before.map((row) => [row.path, row]));
  const current = new Set(after.map((row) => row.path));
  const diff: VersionDiff = { added: [], removed: [], changed: [], docsChanged: [] };
  for (const row of after) {
    const previous = old.get(row.path);
    if (!previous) {
      diff.added.push(row);
      continue;
    }
    const changes = rowChanges(previous, row);
    if (changes.length > 0) diff.changed.push({ row, changes });
    else if ((previous.doc ?? '') !== (row.doc ?? '')) diff.docsChanged.push(row);
  }
  for (const row of before) if (!current.has(row.path)) diff.removed.push(row);
  return diff;
}

export function isEmptyDiff(diff: VersionDiff): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length + diff.docsChanged.length === 0;
}

function rowChanges(before: FieldRow, after: FieldRow): string[] {
  const changes: string[] = [];
  if (before.type !== after.type) changes.push(`type: ${before.type} → ${after.type}`);
  if (before.required !== after.required) changes.push(after.required ? 'now required' : 'now optional');
  if (before.default !== after.default) {
    changes.push(
      before.default === undefined
        ? `default added: ${after.default}`
        : after.default === undefined
          ? `default removed (was ${before.default})`
          : `default: ${before.default} → ${after.default}`,
    );
  }
  changes.push(...constraintChanges(before.constraints, after.constraints));
  return changes;
}

function constraintChanges(before: readonly FieldConstraint[], after: readonly FieldConstraint[]): string[] {
  const old = new Map(before.map((c) => [c.name, c.value]));
  const now = new Map(after.map((c) => [c.name, c.value]));
  const names = [...new Set([...old.keys(), ...now.keys()])];
  const changes: string[] = [];
  for (const name of names) {
    const a = old.get(name);
    const b = now.get(name);
    if (a === b) continue;
    if (a !== undefined && b !== undefined && LIST_CONSTRAINTS.has(name)) {
      const left = new Set(a.split(', '));
      const right = new Set(b.split(', '));
      const plus = [...right].filter((v) => !left.has(v));
      const minus = [...left].filter((v) => !right.has(v));
      if (plus.length === 0 && minus.length === 0) continue;
      changes.push(`${name}: ${[...plus.map((v) => `+ ${v}`), ...minus.map((v) => `− ${v}`)].join(', ')}`);
    } else if (a === undefined) changes.push(`${name} added: ${b}`);
    else if (b === undefined) changes.push(`${name} removed (was ${a})`);
    else changes.push(`${name}: ${a} → ${b}`);
  }
  return changes;
}
