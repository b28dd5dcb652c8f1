import path from 'node:path';
import type { ContractSet } from '../contracts/model.js';
import { CodegenCache, domainKey, inputsHash, unchangedSinceLastRun } from './cache.js';
import { buildDomainModel } from './domain.js';
import { emitDomain, emitIndex, header, type EmittedFile } from './emit.js';
import { formatFiles } from './format.js';
import type { DomainModel } from './model.js';
import { pascalCase } from './names.js';
import { CodegenWorker } from './pool.js';
import { compileValidators, type ValidatorSource } from './validators.js';
import { GENERATED_MARKER, writeOutput, type WriteResult } from './write.js';

/**
 * `herald generate`: contracts → code model (per domain) → files through the templates → format
 * → write only what changed. Every stage is a pure function of its input, so the
 * same contracts give the same bytes.
 */

export interface Progress {
  done: number;
  total: number;
  domain: string;
}

export interface GenerateOptions {
  /** Absolute output folder; defaults to the project's `outDir`. */
  outDir?: string;
  /** Write nothing; report what is stale. */
  check?: boolean;
  onProgress?: (progress: Progress) => void;
  /** A helper thread (see `startWorker`); without one everything runs on the calling thread. */
  worker?: CodegenWorker;
  /** Reuse domains whose inputs and output are unchanged since the last run (default true). */
  incremental?: boolean;
}

/** Trees from this many event versions on are worth a second thread. */
export const WORKER_THRESHOLD = 100;

/** The helper thread for JSON Schema validators; its thread starts on the first validators it is given. */
export function startWorker(): CodegenWorker | undefined {
  return CodegenWorker.start();
}

export interface GenerateResult extends WriteResult {
  outDir: string;
  files: number;
  domains: number;
  events: number;
}

interface DomainJob {
  dir: string;
  model: DomainModel;
  files: EmittedFile[];
  validators?: { sources: ValidatorSource[]; header: string };
}

function schemasRelative(contracts: ContractSet): string {
  return path.relative(contracts.config.root, contracts.config.schemasDir).split(path.sep).join('/') || '.';
}

/** The domains that have events, in output order, with their events. */
function domainsWithEvents(contracts: ContractSet): Array<{ domain: ContractSet['domains'][number]; versions: ContractSet['events'] }> {
  const byDomain = new Map<string, ContractSet['events']>();
  for (const event of contracts.events) byDomain.set(event.domain, [...(byDomain.get(event.domain) ?? []), event]);
  return [...contracts.domains]
    .sort((a, b) => a.name.localeCompare(b.name))
    .filter((domain) => byDomain.has(domain.name))
    .map((domain) => ({ domain, versions: byDomain.get(domain.name)! }));
}

/**
 * Renders domain after domain, handing each to `onJob` as soon as it is ready. Domains in `skip`
 * (reused from the cache) are not rendered, only listed in the index.
 */
function domainJobs(contracts: ContractSet, onProgress?: (progress: Progress) => void, onJob?: (job: DomainJob) => void, skip: ReadonlySet<string> = new Set()): { jobs: DomainJob[]; index: EmittedFile } {
  const schemasRel = schemasRelative(contracts);
  const jobs: DomainJob[] = [];
  const listed: Array<{ name: string; pascal: string; dir: string }> = [];
  const domains = domainsWithEvents(contracts);
  domains.forEach(({ domain, versions }, i) => {
    listed.push({ name: domain.name, pascal: pascalCase(domain.name), dir: domain.name });
    if (skip.has(domain.name)) return;
    const model = buildDomainModel(domain, versions);
    const dir = domain.name;
    const job: DomainJob = { dir, model, files: emitDomain(model, dir, `${schemasRel}/${domain.name}`) };
    const json = versions.filter((v) => v.format === 'json');
    if (json.length) {
      job.validators = {
        sources: json.map((v) => ({ name: `validate${v.name}V${v.version}`, schema: v.schema, file: v.file })),
        header: header(`${schemasRel}/${domain.name}/`),
      };
    }
    jobs.push(job);
    onJob?.(job);
    onProgress?.({ done: i + 1, total: domains.length, domain: domain.name });
  });
  return { jobs, index: emitIndex(listed, schemasRel) };
}

/**
 * All output files, formatted. With a worker, the JSON validators of every other domain are
 * compiled on it while this thread renders.
 */
export async function renderFiles(
  contracts: ContractSet,
  options: { worker?: CodegenWorker; onProgress?: (progress: Progress) => void; skip?: ReadonlySet<string> } = {},
): Promise<EmittedFile[]> {
  const { worker } = options;
  if (!worker) return formatFiles(renderContracts(contracts, options.onProgress, options.skip));
  const files: EmittedFile[] = [];
  const pending: Array<Promise<EmittedFile>> = [];
  let ajvTurn = 0;
  // Each domain's validators go to the worker as soon as the domain is rendered, so compiling overlaps with the next domain's rendering.
  const { index } = domainJobs(contracts, options.onProgress, (job) => {
    files.push(...job.files);
    if (job.validators) {
      const { sources, header: head } = job.validators;
      const path = `${job.dir}/validators.js`;
      if (ajvTurn++ % 2 === 0) pending.push(worker.validators(sources, head).then((content) => ({ path, content })));
      else files.push({ path, content: compileValidators(sources, head) });
    }
  }, options.skip);
  files.push(index, ...(await Promise.all(pending)));
  return formatFiles(files);
}

/** All output files, in a stable order, before formatting (everything on the calling thread). */
export function renderContracts(contracts: ContractSet, onProgress?: (progress: Progress) => void, skip?: ReadonlySet<string>): EmittedFile[] {
  const { jobs, index } = domainJobs(contracts, onProgress, undefined, skip);
  const files: EmittedFile[] = [];
  for (const job of jobs) {
    files.push(...job.files);
    if (job.validators) files.push({ path: `${job.dir}/validators.js`, content: compileValidators(job.validators.sources, job.validators.header) });
  }
  files.push(index);
  return files;
}

/**
 * Whether a run would change nothing, decided without loading the contracts (see
 * `unchangedSinceLastRun`); undefined means "run normally".
 */
export async function upToDate(root: string, schemasDir: string, outDir: string): Promise<{ files: number } | undefined> {
  return unchangedSinceLastRun(root, schemasDir, outDir, GENERATED_MARKER);
}

export async function generate(contracts: ContractSet, options: GenerateOptions = {}): Promise<GenerateResult> {
  const outDir = options.outDir ?? contracts.config.outDir;
  const { root, schemasDir } = contracts.config;
  const inputs = options.incremental === false ? '' : await inputsHash(root, schemasDir, new Map(contracts.events.map((v) => [path.join(root, v.file), v.text])));
  const schemasRel = schemasRelative(contracts);
  const domains = domainsWithEvents(contracts);
  const keys = new Map(domains.map(({ domain, versions }) => [domain.name, domainKey(domain, versions, `${schemasRel}/${domain.name}`)]));
  const cache = options.incremental === false ? undefined : await CodegenCache.open(contracts, outDir);
  const reused = new Map<string, EmittedFile[]>();
  if (cache) {
    await Promise.all(
      domains.map(async ({ domain }) => {
        const files = await cache.reuse(domain.name, keys.get(domain.name)!, outDir);
        if (files) reused.set(domain.name, files);
      }),
    );
  }
  const rendered = await renderFiles(contracts, {
    worker: domains.filter(({ domain }) => !reused.has(domain.name)).reduce((n, d) => n + d.versions.length, 0) >= WORKER_THRESHOLD ? options.worker : undefined,
    onProgress: options.onProgress,
    skip: new Set(reused.keys()),
  });
  const files = [...rendered, ...[...reused.values()].flat()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const written = await writeOutput(outDir, files, { check: options.check });
  if (cache && !options.check) {
    for (const { domain } of domains) cache.record(domain.name, keys.get(domain.name)!, files.filter((f) => f.path.startsWith(`${domain.name}/`)));
    cache.recordTree(inputs, files);
    await cache.save().catch(() => undefined);
  }
  return {
    ...written,
    outDir,
    files: files.length,
    domains: contracts.domains.length,
    events: contracts.events.length,
  };
}
