/** Client load on ProjectService: `POST /projects` with a fixed number in flight, timing each request. */
import { randomUUID } from 'node:crypto';
import type { CreateProjectRequest } from '../project/service.js';
import type { StakeholderRole } from '../generated/project/index.js';

export interface PostedProject {
  projectId: string;
  stakeholders: number;
}

export interface LoadResult {
  posted: PostedProject[];
  /** Milliseconds per request, in completion order. */
  latencies: number[];
}

const ROLES: StakeholderRole[] = ['OWNER', 'SPONSOR', 'CLIENT', 'OTHER'];

/** A small deterministic generator so that a run can be repeated exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function projectRequest(random: () => number, index: number): CreateProjectRequest {
  const stakeholders = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, i) => ({
    email: `stakeholder${i}.project${index}@example.com`,
    role: ROLES[i % ROLES.length]!,
  }));
  const budget = random() < 0.5 ? `${Math.floor(random() * 1_000_000)}.${String(Math.floor(random() * 100)).padStart(2, '0')}` : undefined;
  return { name: `Project ${index}`, ownerId: randomUUID(), stakeholders, ...(budget ? { budget } : {}) };
}

/** Posts `count` projects, `concurrency` at a time; any non-201 answer fails the run. */
export async function postProjects(baseUrl: string, requests: CreateProjectRequest[], concurrency: number): Promise<LoadResult> {
  const posted: PostedProject[] = [];
  const latencies: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const request = requests[next++]!;
      const started = performance.now();
      const response = await fetch(`${baseUrl}/projects`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
      const body = (await response.json()) as { projectId?: string; message?: string };
      latencies.push(performance.now() - started);
      if (response.status !== 201 || !body.projectId) throw new Error(`POST /projects answered ${response.status}: ${body.message ?? JSON.stringify(body)}`);
      posted.push({ projectId: body.projectId, stakeholders: request.stakeholders.length });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { posted, latencies };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
