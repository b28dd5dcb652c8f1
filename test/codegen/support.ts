import path from 'node:path';
import type { EventCodec, WriterSchema } from 'herald/runtime';
import { loadContracts } from '../../generator/contracts/load.js';
import type { ContractSet, EventVersion } from '../../generator/contracts/model.js';
import { REPO_ROOT } from '../support/cli.js';

export { REPO_ROOT };
export const GENERATED = path.join(REPO_ROOT, 'generated');

export async function exampleContracts(): Promise<ContractSet> {
  const { contracts } = await loadContracts(REPO_ROOT);
  if (!contracts) throw new Error('the example contracts do not load');
  return contracts;
}

/** Every generated codec of the example contracts, by label (`ProjectCreated.v2`). */
export async function generatedCodecs(contracts: ContractSet): Promise<Map<string, EventCodec<unknown>>> {
  const codecs = new Map<string, EventCodec<unknown>>();
  for (const domain of contracts.domains) {
    const module = (await import(path.join(GENERATED, domain.name, 'codecs.ts'))) as Record<string, EventCodec<unknown>>;
    for (const codec of Object.values(module)) codecs.set(`${codec.name}.v${codec.version}`, codec);
  }
  return codecs;
}

/** A writer schema for an event version, with a stable made-up id per label. */
export function writerOf(event: EventVersion, ids = new Map<string, number>()): WriterSchema {
  if (!ids.has(event.label)) ids.set(event.label, 1000 + ids.size);
  return { id: ids.get(event.label)!, schema: event.text, format: event.format };
}
