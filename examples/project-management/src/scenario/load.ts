/**
 * Client load on ProjectService: `POST /projects` at a steady arrival rate, like user traffic,
 * rather than as fast as possible: a saturating closed loop on a small machine would measure how
 * the services share its CPU, not what the request path itself depends on.
 */
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

export interface LoadShape {
  /** Requests started per second. */
  rate: number;
  /** Most requests in flight; a request due while all are busy starts late, and its wait counts. */
  concurrency: number;
}

/**
 * Posts the projects, request i due at i / rate seconds; any non-201 answer fails the run.
 * Latency runs from when a request was due, not from when it was sent, so a stalled server is
 * not hidden by the client waiting for it (coordinated omission).
 */
export async function postProjects(baseUrl: string, requests: CreateProjectRequest[], shape: LoadShape): Promise<LoadResult> {
  const posted: PostedProject[] = [];
  const latencies: number[] = [];
  const begin = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const index = next++;
      const request = requests[index]!;
      const started = begin + (index * 1000) / shape.rate;
      const wait = started - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
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
  await Promise.all(Array.from({ length: shape.concurrency }, worker));
  return { posted, latencies };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
