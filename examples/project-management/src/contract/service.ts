/**
 * ContractService: drafts one contract per ProjectCreated. The insert runs in the transaction
 * of the event's dedupe row, so a redelivered event (a crash before the offset commit, a
 * relay that published twice) is skipped instead of drafting a second contract. There is
 * deliberately no unique constraint on project_id: the end-to-end test counts the rows to prove
 * that the dedupe, not the schema, keeps them single.
 */
import { randomUUID } from 'node:crypto';
import { createProjectEvents } from '../generated/project/index.js';
import { consumerStats, type ServiceDefinition } from '../platform.js';

const GROUP = 'contract-service';

export const contractService: ServiceDefinition = {
  name: 'contract-service',
  schema: [
    `CREATE TABLE IF NOT EXISTS contracts (
       contract_id uuid PRIMARY KEY,
       project_id uuid NOT NULL,
       status text NOT NULL,
       budget numeric(12, 2),
       source_event_id text NOT NULL,
       drafted_at timestamptz NOT NULL DEFAULT now()
     )`,
  ],
  async start({ runtime }) {
    const projects = createProjectEvents(runtime);
    await projects.consume(
      { groupId: GROUP },
      {
        ProjectCreated: async (event, ctx) => {
          await ctx.tx.query('INSERT INTO contracts (contract_id, project_id, status, budget, source_event_id) VALUES ($1, $2, $3, $4, $5)', [
            randomUUID(),
            event.projectId,
            'DRAFT',
            event.budget,
            ctx.eventId,
          ]);
        },
      },
    );
  },
  async stats(context) {
    const { rows } = await context.database.query<{ contracts: string }>('SELECT count(*) AS contracts FROM contracts');
    return { contracts: Number(rows[0]?.contracts ?? 0), ...(await consumerStats(context, GROUP)) };
  },
};
