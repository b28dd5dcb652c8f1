/**
 * The registry server (embedded store) under HTTP load on loopback, against a bare fastify route
 * that answers a constant of similar size, measured in the same run with the same load generator
 * (autocannon, in-process, 50 connections):
 *
 *   registry.lookup-by-id       GET /schemas/ids/{id} over 50 registered ids (goal ≥ 0.5)
 *   registry.register-existing  POST /subjects/{s}/versions of an already-registered schema
 *   *.p99                       99th percentile latency of the same runs, in ms (ratio = baseline/value)
 *
 * Each runs on the embedded store (names `registry.*`) and on a scratch PostgreSQL database
 * (`registry.pg.*`). Baseline and registry runs alternate, and the median of the runs is reported.
 */
import { createRequire } from 'node:module';
import Fastify from 'fastify';
import { startRegistryServer } from '../../generator/registry/server/start.js';
import { createScratchDatabase } from '../../test/infra/postgres.js';
import { avroRecord, startTestRegistry } from '../../test/registry/helpers.js';
import { report, type BenchSuite } from '../harness.js';

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
interface AutocannonOptions extends AutocannonRequest {
  url: string;
  connections: number;
  duration: number;
  pipelining?: number;
  requests?: AutocannonRequest[];
}
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const V1 = 'application/vnd.schemaregistry.v1+json';
const CONNECTIONS = 50;
const SECONDS = 3;
const RUNS = 3;

interface Sample {
  rps: number;
  p99: number;
}

async function load(options: Omit<AutocannonOptions, 'connections' | 'duration'>, seconds = SECONDS): Promise<Sample> {
  const result = await autocannon({
    connections: CONNECTIONS,
    duration: seconds,
    pipelining: 1,
    ...options,
  });
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
    throw new Error(`load run had failures: errors=${result.errors} timeouts=${result.timeouts} non2xx=${result.non2xx}`);
  }
  return { rps: result.requests.total / seconds, p99: result.latency.p99 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const suite: BenchSuite = {
  description: 'registry HTTP throughput and p99 latency vs a bare fastify route (autocannon, loopback)',
  async run() {
    await runAgainst('pglite', '', await startTestRegistry());
    const database = await createScratchDatabase('herald_bench_registry');
    try {
      const running = await startRegistryServer({
        store: database.url,
        host: '127.0.0.1',
        port: 0,
        logger: false,
      });
      await runAgainst('postgres', '.pg', {
        ...running,
        dispose: () => running.close(),
      });
    } finally {
      await database.drop();
    }
  },
};

async function runAgainst(store: string, tag: string, registry: { url: string; dispose(): Promise<void> }): Promise<void> {
  console.log(`# store: ${store}`);
  const schemas = Array.from({ length: 50 }, (_, i) =>
    avroRecord(
      `BenchEvent${i}`,
      [
        { name: 'id', type: 'string' },
        { name: `f${i}`, type: 'long' },
      ],
      'com.acme.bench',
    ),
  );
  await fetch(`${registry.url}/config`, {
    method: 'PUT',
    headers: { 'content-type': V1 },
    body: JSON.stringify({ compatibility: 'NONE' }),
  });
  const ids: number[] = [];
  for (const [i, schema] of schemas.entries()) {
    const response = await fetch(`${registry.url}/subjects/bench-${i % 10}/versions`, {
      method: 'POST',
      headers: { 'content-type': V1 },
      body: JSON.stringify({ schema }),
    });
    if (!response.ok) throw new Error(`setup registration failed: ${response.status} ${await response.text()}`);
    ids.push(((await response.json()) as { id: number }).id);
  }

  // The baseline answers a body of the same size as a lookup, with the same content type.
  const constant = JSON.stringify({ schema: schemas[0] });
  const bare = Fastify({ logger: false });
  // It parses the register body as JSON too, so the POST baseline pays for reading the request.
  bare.addContentTypeParser(V1, { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  bare.get('/constant', async (_request, reply) => reply.type(V1).send(constant));
  bare.post('/constant', async (_request, reply) => reply.type(V1).send(constant));
  const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });

  const lookupRequests = ids.map((id) => ({
    method: 'GET',
    path: `/schemas/ids/${id}`,
  }));
  const registerBody = JSON.stringify({ schema: schemas[7] });
  const registerHeaders = { 'content-type': V1 };
  try {
    // Warm-up: JIT, connection pools, the store's caches.
    await load({ url: bareUrl + '/constant' }, 1);
    await load({ url: registry.url, requests: lookupRequests }, 1);
    await load(
      {
        url: `${registry.url}/subjects/bench-7/versions`,
        method: 'POST',
        headers: registerHeaders,
        body: registerBody,
      },
      1,
    );

    const baselineGet: Sample[] = [];
    const baselinePost: Sample[] = [];
    const lookup: Sample[] = [];
    const register: Sample[] = [];
    for (let run = 0; run < RUNS; run++) {
      baselineGet.push(await load({ url: bareUrl + '/constant' }));
      lookup.push(await load({ url: registry.url, requests: lookupRequests }));
      baselinePost.push(
        await load({
          url: bareUrl + '/constant',
          method: 'POST',
          headers: registerHeaders,
          body: registerBody,
        }),
      );
      register.push(
        await load({
          url: `${registry.url}/subjects/bench-7/versions`,
          method: 'POST',
          headers: registerHeaders,
          body: registerBody,
        }),
      );
    }

    const rps = (samples: Sample[]) => median(samples.map((s) => s.rps));
    const p99 = (samples: Sample[]) => median(samples.map((s) => s.p99));
    report({
      name: `registry${tag}.lookup-by-id`,
      value: rps(lookup),
      unit: 'req/s',
      baseline: 'fastify.constant-get',
      baselineValue: rps(baselineGet),
    });
    report({
      name: `registry${tag}.register-existing`,
      value: rps(register),
      unit: 'req/s',
      baseline: 'fastify.constant-post',
      baselineValue: rps(baselinePost),
    });
    report({
      name: `registry${tag}.lookup-by-id.p99`,
      value: p99(lookup),
      unit: 'ms',
      baseline: 'fastify.constant-get.p99',
      baselineValue: p99(baselineGet),
      lowerIsBetter: true,
    });
    report({
      name: `registry${tag}.register-existing.p99`,
      value: p99(register),
      unit: 'ms',
      baseline: 'fastify.constant-post.p99',
      baselineValue: p99(baselinePost),
      lowerIsBetter: true,
    });
  } finally {
    await bare.close();
    await registry.dispose();
  }
}

export default suite;
