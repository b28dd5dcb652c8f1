import type { ContractSet } from '../contracts/model.js';
import type { RegistryClient } from '../registry/client.js';
import { compareTrees } from './compare-trees.js';
import type { GateFinding, GateReport } from './findings.js';
import { contractsAtRef } from './git-ref.js';
import { checkLock, LOCK_FILE, readLock } from './lock-file.js';
import { compareWithRegistry } from './registry.js';
import { checkVersionHistories } from './versions.js';

export interface GateOptions {
  /** A git ref to compare with, as `buf breaking --against`. */
  against?: string;
  /** A registry to compare with: what is registered must not change, what is new must pass its check. */
  registry?: { client: RegistryClient; name: string };
}

/** Runs every check the CI gate makes over a loaded contract set. */
export async function runGate(contracts: ContractSet, options: GateOptions = {}): Promise<GateReport> {
  const findings: GateFinding[] = checkVersionHistories(contracts);
  const sources = ['earlier versions in the tree'];
  const lock = await readLock(contracts);
  if (lock) {
    findings.push(...checkLock(contracts, lock));
    sources.push(LOCK_FILE);
  }
  if (options.against) {
    const base = await contractsAtRef(contracts, options.against);
    findings.push(...(await compareTrees(base, contracts, options.against)));
    sources.push(`git ref ${options.against}`);
  }
  if (options.registry) {
    findings.push(...(await compareWithRegistry(contracts, options.registry.client, options.registry.name)));
    sources.push(options.registry.name);
  }
  return {
    checked: contracts.events.map((e) => ({ label: e.label, file: e.file })),
    findings: dedupe(findings).sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || a.rule.localeCompare(b.rule)),
    sources,
  };
}

/** The lock file and a git ref often report the same edit; say it once. */
function dedupe(findings: GateFinding[]): GateFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = f.rule.startsWith('PUBLISHED_VERSION_') ? `${f.rule}|${f.subject}` : `${f.rule}|${f.file}|${f.pointer}|${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
