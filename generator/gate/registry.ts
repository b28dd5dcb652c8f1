import type { ContractSet, EventVersion } from '../contracts/model.js';
import type { RegistryClient } from '../registry/client.js';
import { publishedVersionDeleted, publishedVersionEdited, type GateFinding } from './findings.js';
import { eventHistories } from './histories.js';

function payload(event: EventVersion): { schema: string; schemaType: 'AVRO' | 'JSON' } {
  return { schema: event.text, schemaType: event.format === 'avro' ? 'AVRO' : 'JSON' };
}

/**
 * Local contracts against what a registry holds: a registered version must still exist locally
 * with the same content, and a version not yet registered must pass the registry's own
 * compatibility check (at the subject's level there, which is what registering it will face).
 * Sameness is the registry's own lookup: registries store schemas in their own canonical text
 * (Avro names shortened, keys reordered), so comparing text here would report false edits.
 */
export async function compareWithRegistry(contracts: ContractSet, client: RegistryClient, name: string): Promise<GateFinding[]> {
  const findings: GateFinding[] = [];
  for (const versions of eventHistories(contracts.events).values()) {
    const first = versions[0]!;
    const history = await client.getHistory(first.subject);
    const byVersion = new Map(versions.map((v) => [v.version, v]));
    for (const registered of history) {
      const local = byVersion.get(registered.version);
      const label = `${first.name}.v${registered.version}`;
      if (!local) {
        findings.push(publishedVersionDeleted(label, first.file.replace(/\.v\d+\./, `.v${registered.version}.`), `is registered in ${name} (subject ${first.subject}, id ${registered.id}) but its file is gone`));
      } else if ((await client.lookup(first.subject, payload(local)))?.version !== registered.version) {
        findings.push(publishedVersionEdited(label, local.file, `differs from version ${registered.version} of ${first.subject} in ${name} (id ${registered.id})`));
      }
    }
    const registeredVersions = new Set(history.map((h) => h.version));
    for (const local of versions) {
      if (registeredVersions.has(local.version) || history.length === 0) continue;
      const verdict = await client.checkCompatibility(local.subject, payload(local));
      for (const message of verdict.compatible ? [] : verdict.messages.length > 0 ? verdict.messages : ['incompatible']) {
        findings.push({ rule: 'REGISTRY_INCOMPATIBLE', subject: local.label, file: local.file, pointer: '', line: 1, column: 1, message: `${local.label} would be refused by ${name} (subject ${local.subject}): ${message}` });
      }
    }
  }
  return findings;
}
