import { describe, expect, it } from 'vitest';
import { loadContracts } from '../../generator/contracts/load.js';
import { fieldTable } from '../../generator/docs/field-table.js';
import type { DocsEvent } from '../../generator/docs/source.js';
import { sourceFromContracts } from '../../generator/docs/source.js';
import { historyVerdicts } from '../../generator/docs/verdicts.js';
import { diffFieldTables } from '../../generator/docs/version-diff.js';
import { REPO_ROOT } from '../support/cli.js';

const { contracts } = await loadContracts(REPO_ROOT);
const source = sourceFromContracts(contracts!);
function history(name: string): DocsEvent {
  const found = source.events.find((e) => e.name === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
}
function diff(name: string, from: number, to: number): ReturnType<typeof diffFieldTables> {
  const e = history(name);
  const table = (v: number) => fieldTable(e.format, e.versions.find((x) => x.version === v)!.schema);
  return diffFieldTables(table(from), table(to));
}

describe('version diff', () => {
  it('lists added fields (ProjectCreated v1 → v2)', () => {
    const d = diff('ProjectCreated', 1, 2);
    expect(d.added.map((r) => r.path)).toEqual(['budget', 'budgetCurrency', 'tags', 'parentProjectId']);
    expect(d.removed).toEqual([]);
    expect(d.changed).toEqual([]);
  });

  it('reports a type promotion and nested additions (OrderPlaced v2 → v3)', () => {
    const d = diff('OrderPlaced', 2, 3);
    expect(d.changed).toContainEqual(expect.objectContaining({ row: expect.objectContaining({ path: 'lineItems[].quantity' }), changes: ['type: int → double'] }));
    expect(d.added.map((r) => r.path)).toEqual(['lineItems[].unitOfMeasure']);
  });

  it('reports enum symbols added as a set change, not as a retyped field', () => {
    const d = diff('ProjectStatusChanged', 1, 2);
    const status = d.changed.find((c) => c.row.path === 'status');
    expect(status?.changes).toEqual(['symbols: + AT_RISK']);
    expect(d.added.map((r) => r.path)).toEqual(['expectedResumeDate']);
  });

  it('reports JSON Schema limit and enum changes', () => {
    const d = diff('UserCreated', 1, 2);
    const displayName = d.changed.find((c) => c.row.path === 'displayName');
    expect(displayName?.changes).toContain('maxLength: 120 → 200');
    expect(d.changed.find((c) => c.row.path === 'roles')?.changes).toEqual(['item values: + finance']);
  });

  it('reports removals, requiredness and defaults', () => {
    const before = fieldTable('avro', { type: 'record', name: 'A', fields: [{ name: 'a', type: 'int' }, { name: 'b', type: 'int', default: 1 }, { name: 'c', type: 'string', doc: 'x' }] });
    const after = fieldTable('avro', { type: 'record', name: 'A', fields: [{ name: 'a', type: 'int', default: 0 }, { name: 'b', type: 'int', default: 2 }, { name: 'c', type: 'string', doc: 'y' }] });
    expect(diffFieldTables(before, after).changed.map((c) => c.changes)).toEqual([['now optional', 'default added: 0'], ['default: 1 → 2']]);
    expect(diffFieldTables(before, after).docsChanged.map((r) => r.path)).toEqual(['c']);
    expect(diffFieldTables(after, before).changed[0]?.changes).toEqual(['now required', 'default removed (was 0)']);
    expect(diffFieldTables(before, [after[0]!]).removed.map((r) => r.path)).toEqual(['b', 'c']);
  });
});

describe('verdicts', () => {
  it('gives every step of the example contracts a compatible verdict at its level', () => {
    for (const event of source.events) {
      const verdicts = historyVerdicts(event);
      expect(verdicts).toHaveLength(event.versions.length - 1);
      for (const v of verdicts) expect(v, `${event.name}: ${v.summary}`).toMatchObject({ status: 'compatible', messages: [] });
    }
  });

  it('explains an incompatible step with the checker messages', () => {
    const event: DocsEvent = {
      domain: 'd',
      name: 'Thing',
      type: 'com.x.Thing',
      format: 'avro',
      subject: 's',
      compatibility: 'BACKWARD',
      versions: [
        { version: 1, schema: { type: 'record', name: 'Thing', namespace: 'com.x', fields: [{ name: 'id', type: 'string' }] }, text: '' },
        { version: 2, schema: { type: 'record', name: 'Thing', namespace: 'com.x', fields: [{ name: 'id', type: 'string' }, { name: 'owner', type: 'string' }] }, text: '' },
      ],
    };
    const [verdict] = historyVerdicts(event);
    expect(verdict?.status).toBe('incompatible');
    expect(verdict?.summary).toBe('incompatible (BACKWARD)');
    expect(verdict?.messages[0]?.message).toMatch(/Thing\.v2 readers cannot read Thing\.v1 data/);
  });

  it('does not check at level NONE', () => {
    const e = { ...history('ProjectCreated'), compatibility: 'NONE' as const };
    expect(historyVerdicts(e)[0]?.status).toBe('unchecked');
  });
});
