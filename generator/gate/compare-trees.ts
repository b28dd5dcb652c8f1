import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isLoosening } from '../compat/levels.js';
import { isJsonSyntaxError, parseJsonSource } from '../contracts/json-source.js';
import type { ContractSet, Domain, SourceLocation } from '../contracts/model.js';
import { GATE_RULES, publishedVersionDeleted, publishedVersionEdited, type GateFinding } from './findings.js';

/**
 * What changed between a base tree (e.g. main) and the current one that no schema-level check
 * sees: published versions edited or deleted, and domain settings whose change breaks consumers.
 */
export async function compareTrees(base: ContractSet, current: ContractSet, baseName: string): Promise<GateFinding[]> {
  const findings: GateFinding[] = [];
  const now = new Map(current.events.map((e) => [`${e.type}@${e.version}`, e]));
  for (const old of base.events) {
    const event = now.get(`${old.type}@${old.version}`);
    if (!event) {
      findings.push(publishedVersionDeleted(old.label, old.file, `exists at ${baseName} but was deleted`));
    } else if (event.fingerprint !== old.fingerprint) {
      findings.push(publishedVersionEdited(event.label, event.file, `differs from its version at ${baseName}`));
    }
  }
  const domains = new Map(current.domains.map((d) => [d.name, d]));
  for (const old of base.domains) {
    const domain = domains.get(old.name);
    if (!domain) continue;
    const at = await domainLocator(current, domain);
    if (domain.topic !== old.topic) {
      findings.push({ rule: 'DOMAIN_TOPIC_CHANGED', subject: domain.name, ...at('/topic'), message: `domain "${domain.name}" moved from topic "${old.topic}" (at ${baseName}) to "${domain.topic}": ${GATE_RULES.DOMAIN_TOPIC_CHANGED}` });
    }
    if (domain.key !== old.key) {
      findings.push({ rule: 'DOMAIN_KEY_CHANGED', subject: domain.name, ...at('/key'), message: `domain "${domain.name}" changed its key field from "${old.key}" (at ${baseName}) to "${domain.key}": ${GATE_RULES.DOMAIN_KEY_CHANGED}` });
    }
    if (isLoosening(old.compatibility, domain.compatibility)) {
      findings.push({ rule: 'COMPATIBILITY_LOOSENED', subject: domain.name, ...at('/compatibility'), message: `domain "${domain.name}" loosened compatibility from ${old.compatibility} (at ${baseName}) to ${domain.compatibility}: ${GATE_RULES.COMPATIBILITY_LOOSENED}` });
    }
  }
  return findings;
}

async function domainLocator(contracts: ContractSet, domain: Domain): Promise<(pointer: string) => SourceLocation> {
  const parsed = parseJsonSource(domain.file, await readFile(path.join(contracts.config.root, domain.file), 'utf8'));
  return (pointer) => (isJsonSyntaxError(parsed) ? { file: domain.file, pointer } : { file: domain.file, pointer, ...parsed.position(pointer) });
}
