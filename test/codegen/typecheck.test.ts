import path from 'node:path';
import { Project, ts, type Diagnostic, type SourceFile } from 'ts-morph';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleContracts, GENERATED, generatedCodecs, REPO_ROOT, writerOf } from './support.js';
import { avroRandom, jsonRandom, Random, tsLiteral } from './random-values.js';

/**
 * The generated code under `tsc --noEmit --strict` (through the TypeScript compiler ts-morph
 * bundles), and misuse that must not compile: each snippet fails with the expected diagnostic.
 */

const SNIPPETS = path.join(REPO_ROOT, 'test/codegen/__snippets__');

const PRELUDE = `
import type { HeraldRuntime, SqlExecutor } from 'herald/runtime';
import { createContractEvents, createOrderEvents, createPaymentEvents, createProjectEvents, createNotificationEvents, createUserEvents } from '../../../generated/index.js';
import type { order, project, user } from '../../../generated/index.js';
declare const runtime: HeraldRuntime;
declare const tx: SqlExecutor;
const projects = createProjectEvents(runtime);
const orders = createOrderEvents(runtime);
const users = createUserEvents(runtime);
const payments = createPaymentEvents(runtime);
const contracts = createContractEvents(runtime);
const notifications = createNotificationEvents(runtime);
const created = {
  projectId: '7d1c0f5e-6a55-4a43-9b37-2a3f1c9f3b10', projectCode: 'ACME-0042', name: 'Bridge', clientId: 'c', ownerUserId: 'u',
  visibility: 'TEAM', startDate: 20000, occurredAt: 1_700_000_000_000,
} satisfies project.ProjectCreatedInput;
const emailChanged = {
  userId: 'u', previousEmail: 'a@x.example', newEmail: 'b@x.example', verification: 'sso_claim', changedByUserId: 'u', occurredAt: '2025-01-01T00:00:00Z',
} satisfies user.UserEmailChangedInput;
declare const placed: order.OrderPlacedInput;
export { projects, orders, users, payments, contracts, notifications, created, emailChanged, placed, tx };
`;

/** Must compile: the usage the README shows, narrowing included. */
const VALID = `
await projects.publish.projectCreated(created, { correlationId: 'c-1' });
await projects.outbox(tx).projectCreated({ ...created, tags: ['a'], budget: '1200.50', budgetCurrency: 'EUR' });
await projects.consume({ groupId: 'contract-service' }, {
  ProjectCreated: async (event, ctx) => {
    const id: string = event.projectId;
    const tags: string[] = event.tags;
    await ctx.tx.query('insert into seen (id, event_id) values ($1, $2)', [id, ctx.eventId]);
    void tags;
  },
  ProjectStatusChanged: async (event) => {
    if (event.status === 'AT_RISK') return;
  },
});
await orders.consume({ groupId: 'billing' }, {
  OrderPlaced: async (event) => {
    const method = event.paymentMethod;
    switch (method.kind) {
      case 'CardPayment': { const token: string = method.value.token; void token; break; }
      case 'BankTransfer': { const ref: string = method.value.remittanceReference; void ref; break; }
      case 'InvoicePayment': { const days: number = method.value.termsDays; void days; break; }
    }
    const ref = event.customerReference;
    if (typeof ref === 'number') { const n: number = ref; void n; }
    const unit: order.UnitOfMeasure | undefined = event.lineItems[0]?.unitOfMeasure;
    void unit;
  },
});
await payments.consume({ groupId: 'orders' }, {
  PaymentProcessed: async (event) => {
    if (event.method.type === 'card') { const last4: string = event.method.last4; void last4; }
    const failure = event.failure;
    if (failure !== null) { const code: string = failure.code; void code; }
  },
});
await users.publish.userEmailChanged(emailChanged);
await notifications.publish.notificationRequested({
  notificationId: 'n', recipient: { email: 'a@x.example' }, channels: ['email'], template: { templateId: 'welcome' }, occurredAt: '2025-01-01T00:00:00Z',
});
await contracts.publish.contractSigned({
  contractId: 'c', projectId: 'p', signatories: [{ fullName: 'A', email: 'a@x.example', party: 'CLIENT', method: 'E_SIGNATURE', signedAt: 1 }],
  documentUri: 's3://x', documentMd5: Buffer.alloc(16), effectiveDate: 20000, occurredAt: 1,
});
`;

interface Misuse {
  name: string;
  code: string;
  /** The TypeScript error code and a fragment of its message. */
  expected: { code: number; message: RegExp };
}

const MISUSES: Misuse[] = [
  { name: 'wrong field type', code: `await projects.publish.projectCreated({ ...created, name: 42 });`, expected: { code: 2322, message: /Type 'number' is not assignable to type 'string'/ } },
  { name: 'missing required field', code: `const { projectCode: _omit, ...rest } = created;\nawait projects.publish.projectCreated(rest);`, expected: { code: 2345, message: /Property 'projectCode' is missing/ } },
  { name: 'unknown event on publish', code: `await projects.publish.projectDeleted(created);`, expected: { code: 2339, message: /Property 'projectDeleted' does not exist/ } },
  { name: 'unknown event handler', code: `await projects.consume({ groupId: 'g' }, { ProjectDeleted: async () => {} });`, expected: { code: 2353, message: /'ProjectDeleted' does not exist in type 'ProjectEventHandlers'/ } },
  { name: 'handler for another event type', code: `await projects.consume({ groupId: 'g' }, { ProjectCreated: async (event: user.UserCreated) => { void event; } });`, expected: { code: 2322, message: /is not assignable to type 'EventHandler<ProjectCreatedV2>'/ } },
  { name: 'handler that does not return a promise', code: `await projects.consume({ groupId: 'g' }, { ProjectCreated: (event) => { void event; } });`, expected: { code: 2322, message: /Type 'void' is not assignable to type 'Promise<void>'/ } },
  { name: 'enum symbol not in the contract', code: `await projects.publish.projectCreated({ ...created, visibility: 'PUBLIC' });`, expected: { code: 2322, message: /Type '"PUBLIC"' is not assignable to type 'ProjectVisibility'/ } },
  { name: 'decimal as a number', code: `await projects.publish.projectCreated({ ...created, budget: 1200.5 });`, expected: { code: 2322, message: /Type 'number' is not assignable to type 'string'/ } },
  { name: 'fixed as a string', code: `await contracts.publish.contractSigned({ contractId: 'c', projectId: 'p', signatories: [], documentUri: 'u', documentMd5: 'abc', effectiveDate: 1, occurredAt: 1 });`, expected: { code: 2322, message: /Type 'string' is not assignable to type '(MD5|Buffer)/ } },
  { name: 'avsc-style wrapped union instead of a tagged one', code: `await orders.publish.orderPlaced({ ...placed, paymentMethod: { 'com.acme.order.BankTransfer': { remittanceReference: 'r' } } });`, expected: { code: 2353, message: /com\.acme\.order\.BankTransfer'' does not exist/ } },
  { name: 'tagged union value of the wrong branch', code: `await orders.publish.orderPlaced({ ...placed, paymentMethod: { kind: 'CardPayment', value: { remittanceReference: 'r' } } });`, expected: { code: 2322, message: /'remittanceReference' does not exist in type 'CardPayment'/ } },
  { name: 'branch field without narrowing', code: `await orders.consume({ groupId: 'g' }, { OrderPlaced: async (event) => { void event.paymentMethod.value.token; } });`, expected: { code: 2339, message: /Property 'token' does not exist on type/ } },
  { name: 'extra property on a closed JSON Schema event', code: `await users.publish.userEmailChanged({ ...emailChanged, note: 'x' });`, expected: { code: 2353, message: /'note' does not exist in type 'UserEmailChangedV1'/ } },
  { name: 'oneOf branch fields under another discriminator', code: `declare const p: import('../../../generated/payment/index.js').PaymentProcessedInput;\nawait payments.publish.paymentProcessed({ ...p, method: { type: 'card', mandateId: 'm', ibanLast4: '1234' } });`, expected: { code: 2353, message: /'mandateId' does not exist in type 'CardMethod'/ } },
  { name: 'recipient without any address (anyOf)', code: `await notifications.publish.notificationRequested({ notificationId: 'n', recipient: { locale: 'en' }, channels: ['email'], template: { templateId: 't' }, occurredAt: 'x' });`, expected: { code: 2322, message: /is not assignable to type/ } },
  { name: 'outbox without a transaction', code: `await projects.outbox().projectCreated(created);`, expected: { code: 2554, message: /Expected 1 arguments, but got 0/ } },
  { name: 'nullable field used without a null check', code: `await projects.consume({ groupId: 'g' }, { ProjectCreated: async (event) => { void event.description.length; } });`, expected: { code: 18047, message: /'event.description' is possibly 'null'/ } },
  { name: 'optional JSON property used as if present', code: `await notifications.consume({ groupId: 'g' }, { NotificationRequested: async (event) => { void event.subject.kind; } });`, expected: { code: 18048, message: /'event.subject' is possibly 'undefined'/ } },
];

let project: Project;
const files = new Map<string, SourceFile>();

function diagnosticsOf(file: SourceFile): Diagnostic[] {
  return file.getPreEmitDiagnostics();
}

function describeDiagnostics(list: Diagnostic[]): string {
  return list.map((d) => `TS${d.getCode()} ${ts.flattenDiagnosticMessageText(d.compilerObject.messageText, '\n')}`).join('\n');
}

/** Values the runtime decoded, as literals of the generated types: the types accept exactly what is handed over. */
async function decodedProbes(): Promise<string> {
  const contracts = await exampleContracts();
  const codecs = await generatedCodecs(contracts);
  const random = new Random(2024);
  const ids = new Map<string, number>();
  const lines: string[] = [];
  for (const event of contracts.events) {
    const codec = codecs.get(event.label)!;
    for (let made = 0, attempt = 0; made < 5 && attempt < 500; attempt++) {
      const value = event.format === 'avro' ? avroRandom(event.schema, random) : jsonRandom(event.schema as Record<string, unknown>, random);
      if (codec.validate(value).length) continue;
      const decoded = codec.decode(codec.encode(value), writerOf(event, ids));
      lines.push(`export const p${lines.length}: import('../../../generated/${event.domain}/types.js').${event.name}V${event.version} = ${tsLiteral(decoded)};`);
      made++;
    }
  }
  return lines.join('\n');
}

beforeAll(async () => {
  const probes = await decodedProbes();
  project = new Project({
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
      lib: ['lib.es2023.d.ts'],
    },
  });
  project.addSourceFilesAtPaths(path.join(GENERATED, '**/*.ts'));
  files.set('prelude', project.createSourceFile(path.join(SNIPPETS, 'prelude.ts'), PRELUDE, { overwrite: true }));
  files.set('probes', project.createSourceFile(path.join(SNIPPETS, 'probes.ts'), probes, { overwrite: true }));
  const imports = `import { projects, orders, users, payments, contracts, notifications, created, emailChanged, placed, tx } from './prelude.js';\nimport type { order, project, user } from '../../../generated/index.js';\nvoid [projects, orders, users, payments, contracts, notifications, created, emailChanged, placed, tx];\n`;
  files.set('valid', project.createSourceFile(path.join(SNIPPETS, 'valid.ts'), `${imports}${VALID}\nexport type Used = [order.OrderPlaced, project.ProjectCreated, user.UserCreated];\n`, { overwrite: true }));
  MISUSES.forEach((misuse, i) => {
    files.set(misuse.name, project.createSourceFile(path.join(SNIPPETS, `misuse-${i}.ts`), `${imports}export type Used = [order.OrderPlaced, project.ProjectCreated, user.UserCreated];\n${misuse.code}\n`, { overwrite: true }));
  });
}, 120_000);

describe('generated code under tsc --noEmit --strict', () => {
  it('every generated file type-checks', () => {
    const generated = project.getSourceFiles().filter((f) => f.getFilePath().startsWith(GENERATED));
    expect(generated.length).toBeGreaterThan(20);
    const problems = generated.flatMap((f) => diagnosticsOf(f).map((d) => `${path.relative(REPO_ROOT, f.getFilePath())}: TS${d.getCode()} ${ts.flattenDiagnosticMessageText(d.compilerObject.messageText, '\n')}`));
    expect(problems).toEqual([]);
  }, 120_000);

  it('what the runtime decodes, 5 random values per example version written as literals, has the generated types', () => {
    expect(files.get('probes')!.getVariableDeclarations().length).toBe(5 * 21);
    expect(describeDiagnostics(diagnosticsOf(files.get('probes')!))).toBe('');
  });

  it('the usage shown in the README compiles, narrowing included', () => {
    expect(describeDiagnostics([...diagnosticsOf(files.get('prelude')!), ...diagnosticsOf(files.get('valid')!)])).toBe('');
  });
});

describe('misuse does not compile', () => {
  it(`has at least 10 misuse cases (${MISUSES.length})`, () => {
    expect(MISUSES.length).toBeGreaterThanOrEqual(10);
  });
  for (const misuse of MISUSES) {
    it(misuse.name, () => {
      const diagnostics = diagnosticsOf(files.get(misuse.name)!);
      const text = describeDiagnostics(diagnostics);
      expect(diagnostics.length, `expected TS${misuse.expected.code}, got none`).toBeGreaterThan(0);
      expect(diagnostics.some((d) => d.getCode() === misuse.expected.code), text).toBe(true);
      expect(text).toMatch(misuse.expected.message);
    });
  }
});
