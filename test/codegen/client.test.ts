/**
 * The generated typed client against the real runtime: publish, outbox in the caller's
 * transaction, and consume through the Kafka mock cluster and PGlite. An event written with an
 * older version reaches the handler in the latest version, defaults filled in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, InMemorySchemaRegistry, silentLogger, type HandlerContext, type Runtime } from 'herald/runtime';
import { createProjectEvents } from '../../generated/index.js';
import { projectCreatedV1 } from '../../generated/project/codecs.js';
import type { ProjectCreated, ProjectCreatedInput, ProjectStatusChanged } from '../../generated/project/types.js';
import { kafkaFor, startMockCluster, type MockCluster } from '../infra/kafka/cluster.js';
import { startPglite, type EmbeddedDatabase } from '../infra/pglite.js';

let cluster: MockCluster;
let pglite: EmbeddedDatabase;
let runtime: Runtime;

beforeAll(async () => {
  [cluster, pglite] = await Promise.all([
    startMockCluster({ brokers: 3, topics: [{ name: 'project.events', partitions: 3 }, { name: 'project.events.dlq', partitions: 3 }] }),
    startPglite(),
  ]);
  runtime = createRuntime({
    kafka: { kafka: kafkaFor(cluster, 'codegen-client') },
    registry: new InMemorySchemaRegistry(),
    database: pglite.db,
    logger: silentLogger,
  });
  await runtime.migrate();
  await pglite.db.query('create table projects (id text primary key, name text not null)');
  await pglite.db.query('create table seen (event_id text primary key, project_id text not null)');
}, 120_000);

afterAll(async () => {
  await runtime?.close();
  await pglite?.close();
  await cluster?.stop();
});

const base = (projectId: string): ProjectCreatedInput => ({
  projectId,
  projectCode: 'ACME-0042',
  name: 'Bridge',
  clientId: '0b8f6a0e-2f0c-4a8d-9a43-5c7c1a7e0d51',
  ownerUserId: 'c3a1f9d2-7b44-4e0b-8a61-0f2e5d9c6b37',
  visibility: 'TEAM',
  startDate: 20150,
  occurredAt: 1_740_000_000_000,
});

describe('generated client with the runtime', () => {
  it('publishes, writes through the outbox in a transaction, and consumes typed events once per event id', async () => {
    const projects = createProjectEvents(runtime);
    const received: Array<{ event: ProjectCreated; context: HandlerContext }> = [];
    const statuses: ProjectStatusChanged[] = [];

    await projects.publish.projectCreated({ ...base('p-1'), budget: '1200.50', budgetCurrency: 'EUR', tags: ['a'] }, { correlationId: 'corr-1' });
    await pglite.db.transaction(async (tx) => {
      await tx.query("insert into projects (id, name) values ('p-2', 'Bridge')");
      await projects.outbox(tx).projectCreated(base('p-2'));
    });
    // A producer still on v1: the consumer reads it as v2.
    await runtime.publish(projectCreatedV1, { ...base('p-3'), description: null, dueDate: null });
    await projects.publish.projectStatusChanged({ projectId: 'p-1', previousStatus: 'PLANNED', status: 'AT_RISK', changedByUserId: 'u', occurredAt: 1 });
    await runtime.flush();
    runtime.startRelay();

    const handle = await projects.consume({ groupId: 'codegen-client-test' }, {
      ProjectCreated: async (event, context) => {
        await context.tx.query('insert into seen (event_id, project_id) values ($1, $2)', [context.eventId, event.projectId]);
        received.push({ event, context });
      },
      ProjectStatusChanged: async (event) => {
        statuses.push(event);
      },
    });
    const deadline = Date.now() + 60_000;
    while ((received.length < 3 || statuses.length < 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await handle.stop();

    const byId = new Map(received.map((r) => [r.event.projectId, r]));
    expect([...byId.keys()].sort()).toEqual(['p-1', 'p-2', 'p-3']);
    expect(byId.get('p-1')!.event).toMatchObject({ budget: '1200.50', budgetCurrency: 'EUR', tags: ['a'], parentProjectId: null });
    expect(byId.get('p-1')!.context.correlationId).toBe('corr-1');
    expect(byId.get('p-1')!.context.type).toBe('com.acme.project.ProjectCreated');
    expect(byId.get('p-1')!.context.key).toBe('p-1');
    expect(byId.get('p-2')!.event).toMatchObject({ tags: [], budget: null, description: null });
    expect(byId.get('p-3')!.event).toMatchObject({ tags: [], budget: null, budgetCurrency: null, parentProjectId: null });
    expect(statuses[0]).toMatchObject({ status: 'AT_RISK', reason: null, expectedResumeDate: null });
    const seen = await pglite.db.query<{ n: number }>('select count(*)::int as n from seen');
    expect(seen.rows[0]!.n).toBe(3);
  }, 120_000);
});
