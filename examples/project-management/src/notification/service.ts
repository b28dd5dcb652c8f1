/**
 * NotificationService: "e-mails" every stakeholder of a new project, recording one row per
 * (project, stakeholder) instead of talking to a mail provider. Like ContractService it relies on
 * the dedupe row written in the same transaction to send each e-mail once.
 */
import { createProjectEvents } from '../generated/project/index.js';
import { consumerStats, type ServiceDefinition } from '../platform.js';

const GROUP = 'notification-service';

export const notificationService: ServiceDefinition = {
  name: 'notification-service',
  schema: [
    `CREATE TABLE IF NOT EXISTS emails_sent (
       project_id uuid NOT NULL,
       recipient text NOT NULL,
       role text NOT NULL,
       subject text NOT NULL,
       source_event_id text NOT NULL,
       sent_at timestamptz NOT NULL DEFAULT now()
     )`,
  ],
  async start({ runtime }) {
    const projects = createProjectEvents(runtime);
    await projects.consume(
      { groupId: GROUP },
      {
        ProjectCreated: async (event, ctx) => {
          for (const stakeholder of event.stakeholders) {
            await ctx.tx.query('INSERT INTO emails_sent (project_id, recipient, role, subject, source_event_id) VALUES ($1, $2, $3, $4, $5)', [
              event.projectId,
              stakeholder.email,
              stakeholder.role,
              `You were added to project "${event.name}" as ${stakeholder.role.toLowerCase()}`,
              ctx.eventId,
            ]);
          }
        },
      },
    );
  },
  async stats(context) {
    const { rows } = await context.database.query<{ emails: string }>('SELECT count(*) AS emails FROM emails_sent');
    return { emails: Number(rows[0]?.emails ?? 0), ...(await consumerStats(context, GROUP)) };
  },
};
