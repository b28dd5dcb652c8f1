import { existsSync } from 'node:fs';
import { loadConfig } from './config.js';
import { checkEventSet } from './cross-checks.js';
import { Diagnostics, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { discover } from './discover.js';
import { loadDomain } from './domain.js';
import { loadEvent } from './event.js';
import { relativeFile } from './files.js';
import type { ContractSet, Domain, EventVersion } from './model.js';

export interface LoadResult {
  /** Present unless the project configuration itself is unusable. */
  contracts?: ContractSet;
  diagnostics: Diagnostic[];
}

export interface LoadOptions {
  /** false: report errors only (for commands that stop on errors and never show warnings). */
  warnings?: boolean;
}

/**
 * Loads a project's contracts: configuration, then each domain, then each schema file, then the
 * checks across files. Every stage reports into one list so a single run shows every problem.
 */
export async function loadContracts(root: string, options: LoadOptions = {}): Promise<LoadResult> {
  const diagnostics = new Diagnostics(options);
  const config = await loadConfig(root, diagnostics);
  if (!config) return { diagnostics: sortDiagnostics(diagnostics.items) };
  if (!existsSync(config.schemasDir)) {
    diagnostics.report('SCHEMAS_DIR_MISSING', { file: relativeFile(config.root, config.schemasDir) + '/', pointer: '' }, 'the schemas folder does not exist (set "schemasDir" in herald.json)');
    return { diagnostics: sortDiagnostics(diagnostics.items) };
  }
  const tree = await discover(config.schemasDir);
  for (const stray of tree.strayFiles) {
    diagnostics.report('FILE_NAME_INVALID', { file: relativeFile(config.root, stray), pointer: '' }, 'schema files live directly in a domain folder: schemas/<domain>/<EventName>.v<N>.avsc');
  }
  const domains: Domain[] = [];
  const events: EventVersion[] = [];
  for (const found of tree.domains) {
    const domain = await loadDomain(config, found.dir, found.hasDomainFile, diagnostics);
    if (!domain) continue;
    domains.push(domain);
    for (const file of found.schemaFiles) {
      const event = await loadEvent(config, domain, file, diagnostics);
      if (event) events.push(event);
    }
  }
  const accepted = checkEventSet(events, diagnostics).sort(
    (a, b) => a.domain.localeCompare(b.domain) || a.name.localeCompare(b.name) || a.version - b.version,
  );
  return { contracts: { config, domains, events: accepted }, diagnostics: sortDiagnostics(diagnostics.items) };
}
