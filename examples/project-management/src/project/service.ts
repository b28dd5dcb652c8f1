/**
 * ProjectService: `POST /projects` writes the project row and its ProjectCreated event in one
 * transaction (the outbox) and answers; the relay publishes afterwards. The request never
 * waits for Kafka or for any consumer, so its latency is the database's alone.
 */
import { randomUUID } from 'node:crypto';
import { createProjectEvents, type ProjectCreatedInput, type StakeholderRole } from '../generated/project/index.js';
import { total, type ServiceDefinition } from '../platform.js';

export interface CreateProjectRequest {
  name: string;
  ownerId: string;
  stakeholders: Array<{ email: string; role: StakeholderRole }>;
  /** Decimal string with up to 2 fraction digits, e.g. "12500.00". */
  budget?: string;
}

const createProjectBody = {
  type: 'object',
  required: ['name', 'ownerId', 'stakeholders'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    ownerId: { type: 'string', format: 'uuid' },
    stakeholders: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        required: ['email', 'role'],
        additionalProperties: false,
        properties: {
          email: { type: 'string', format: 'email' },
          role: { type: 'string', enum: ['OTHER', 'OWNER', 'SPONSOR', 'CLIENT'] },
        },
      },
    },
    budget: { type: 'string', pattern: '^\\d{1,10}(\\.\\d{1,2})?$' },
  },
} as const;

export const projectService: ServiceDefinition = {
  name: 'project-service',
  schema: [
    `CREATE TABLE IF NOT EXISTS projects (
       project_id uuid PRIMARY KEY,
       name text NOT NULL,
       owner_id uuid NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now()
     )`,
  ],
  async start({ database, runtime, http }) {
    const projects = createProjectEvents(runtime);
    runtime.startRelay();

    http.post<{ Body: CreateProjectRequest }>('/projects', { schema: { body: createProjectBody } }, async (request, reply) => {
      const { name, ownerId, stakeholders, budget } = request.body;
      const projectId = randomUUID();
      const event: ProjectCreatedInput = { projectId, name, ownerId, stakeholders, budget: budget ?? null, createdAt: Date.now() };
      const { eventId } = await database.transaction(async (tx) => {
        await tx.query('INSERT INTO projects (project_id, name, owner_id) VALUES ($1, $2, $3)', [projectId, name, ownerId]);
        return projects.outbox(tx).projectCreated(event, { correlationId: request.id });
      });
      return reply.code(201).send({ projectId, eventId });
    });
  },
  async stats({ database, runtime }) {
    const { rows } = await database.query<{ projects: string }>('SELECT count(*) AS projects FROM projects');
    return {
      projects: Number(rows[0]?.projects ?? 0),
      published: await total(runtime.metrics.outboxRelayed),
      outboxBacklog: await total(runtime.metrics.outboxBacklog),
    };
  },
};
