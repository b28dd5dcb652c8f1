import { describe, expect, it } from 'vitest';
import { loadContracts } from '../../generator/contracts/load.js';
import type { EventVersion } from '../../generator/contracts/model.js';
import { fieldTable, sinceVersions, type FieldRow } from '../../generator/docs/field-table.js';
import { REPO_ROOT } from '../support/cli.js';

const { contracts } = await loadContracts(REPO_ROOT);
function event(label: string): EventVersion {
  const found = contracts?.events.find((e) => e.label === label);
  if (!found) throw new Error(`no ${label} in the example contracts`);
  return found;
}
function rows(label: string): Map<string, FieldRow> {
  const e = event(label);
  return new Map(fieldTable(e.format, e.schema).map((r) => [r.path, r]));
}

describe('field table: Avro', () => {
  it('lists top-level fields with type, required, default and doc', () => {
    const table = rows('ProjectCreated.v2');
    expect(table.get('projectId')).toMatchObject({ type: 'string (uuid)', required: true, nullable: false, depth: 0 });
    expect(table.get('projectId')?.doc).toContain('partition key');
    expect(table.get('description')).toMatchObject({ type: 'null | string', required: false, nullable: true, default: 'null' });
    expect(table.get('tags')).toMatchObject({ type: 'array<string>', default: '[]' });
    expect(table.get('budget')?.type).toBe('null | bytes (decimal 14,2)');
    expect(table.get('visibility')?.type).toBe('enum ProjectVisibility');
    expect(table.get('visibility')?.constraints).toContainEqual({ name: 'symbols', value: 'UNKNOWN, PRIVATE, TEAM, CLIENT_PORTAL' });
  });

  it('nests records, arrays of records, named-type reuse and record unions under their parent', () => {
    const table = rows('OrderPlaced.v3');
    expect(table.get('lineItems[].quantity')).toMatchObject({ type: 'double', depth: 1 });
    expect(table.get('shippingAddress.city')?.depth).toBe(1);
    // billingAddress refers to Address by full name; its fields are listed again under it.
    expect(table.get('billingAddress')?.type).toBe('record Address');
    expect(table.get('billingAddress.countryCode')?.doc).toContain('ISO 3166');
    expect(table.get('paymentMethod')?.type).toBe('CardPayment | BankTransfer | InvoicePayment');
    expect(table.get('paymentMethod<CardPayment>.last4')?.required).toBe(true);
    expect(table.get('paymentMethod<InvoicePayment>.termsDays')?.type).toBe('int');
    // A nullable union with several records keeps the branch name; the only-record case does not.
    expect(table.has('deliveryOption<SitePickup>.readyFrom')).toBe(true);
    expect(table.get('occurredAt')?.type).toBe('long (timestamp-micros)');
  });

  it('stops at recursive types and says so', () => {
    const table = rows('ContractCreated.v2');
    expect(table.get('clauses[].subClauses')).toMatchObject({ recursiveOf: 'Clause', type: 'array<Clause>' });
    expect([...table.keys()].some((p) => p.startsWith('clauses[].subClauses[]'))).toBe(false);
  });

  it('shows fixed sizes and enum references by full name', () => {
    expect(rows('ContractSigned.v1').get('documentMd5')).toMatchObject({ type: 'fixed MD5(16)', constraints: [{ name: 'size', value: '16 bytes' }] });
    const status = rows('ProjectStatusChanged.v1').get('status');
    expect(status?.type).toBe('enum ProjectStatus');
    expect(status?.constraints[0]?.value).toContain('ON_HOLD');
  });
});

describe('field table: JSON Schema', () => {
  it('reads required, nullable type arrays, formats, enums and limits', () => {
    const table = rows('UserCreated.v2');
    expect(table.get('userId')).toMatchObject({ type: 'string (uuid)', required: true });
    expect(table.get('givenName')).toMatchObject({ type: 'string | null', required: false, nullable: true });
    expect(table.get('accountType')?.constraints).toContainEqual({ name: 'values', value: 'staff, client, contractor' });
    expect(table.get('displayName')?.constraints).toContainEqual({ name: 'maxLength', value: '200' });
    expect(table.get('roles')?.type).toBe('array<Role>');
    expect(table.get('preferences.quietHours.from')?.depth).toBe(2);
  });

  it('follows $ref with the referring description winning, and oneOf branches by name', () => {
    const table = rows('PaymentProcessed.v2');
    expect(table.get('amount')).toMatchObject({ type: 'Money', doc: expect.stringContaining('equals the order total') });
    expect(table.get('amount.value')?.constraints).toContainEqual({ name: 'pattern', value: '^-?(0|[1-9][0-9]{0,11})\\.[0-9]{2}$' });
    expect(table.get('method')?.type).toBe('CardMethod | SepaDebitMethod | BankTransferMethod | WalletMethod');
    expect(table.get('method<WalletMethod>.wallet')?.required).toBe(true);
    expect(table.get('method<CardMethod>.type')?.type).toBe('const "card"');
    expect(table.get('failure')).toMatchObject({ type: 'Failure | null', nullable: true, default: 'null' });
    expect(table.get('failure.retryable')?.required).toBe(true);
    expect(table.get('metadata')?.type).toBe('map<string>');
  });

  it('does not repeat properties that anyOf branches only re-state', () => {
    const table = rows('NotificationRequested.v1');
    expect(table.has('recipient.email')).toBe(true);
    expect([...table.keys()].filter((p) => p.includes('<'))).toEqual([]);
  });

  it('handles recursion through $ref', () => {
    const schema = {
      type: 'object',
      properties: { id: { type: 'string' }, tree: { $ref: '#/$defs/Node' } },
      $defs: { Node: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/Node' } } } } },
    };
    const table = new Map(fieldTable('json', schema).map((r) => [r.path, r]));
    expect(table.get('tree.children')?.recursiveOf).toBe('Node');
    expect(table.size).toBe(4);
  });
});

describe('since', () => {
  it('is the version a field appeared in, counted from its last return', () => {
    const history = [1, 2, 3].map((version) => event(`OrderPlaced.v${version}`)).map((e) => ({ version: e.version, rows: fieldTable(e.format, e.schema) }));
    const since = sinceVersions(history);
    expect(since.get('orderId')).toBe(1);
    expect(since.get('deliveryOption')).toBe(2);
    expect(since.get('lineItems[].unitOfMeasure')).toBe(3);
    const row = (path: string): FieldRow => ({ path, name: path, depth: 0, type: 'string', required: true, nullable: false, constraints: [] });
    const gone = sinceVersions([
      { version: 1, rows: [row('a'), row('b')] },
      { version: 2, rows: [row('a')] },
      { version: 3, rows: [row('a'), row('b')] },
    ]);
    expect(gone.get('b')).toBe(3);
    expect(gone.get('a')).toBe(1);
  });
});
