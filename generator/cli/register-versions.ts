import type { ContractSet, EventVersion } from '../contracts/model.js';
import { eventHistories } from '../gate/histories.js';
import { RegistryHttpError, type RegistryClient } from '../registry/client.js';
import { CliError, ExitCode } from './exit-codes.js';

export interface RegisteredVersions {
  /** The registry id of every version, in the order of `contracts.events` histories. */
  ids: Map<EventVersion, number>;
  /** How many versions the registry did not have yet. */
  added: number;
  /** How many subjects were written (one per event type). */
  subjects: number;
}

/**
 * Registers every version of every event under its subject, oldest first, after setting the
 * subject's compatibility level: shared by `herald register` and `herald dev`. Versions already
 * registered keep their ids; a refusal as incompatible is a CliError (exit 1).
 */
export async function registerVersions(
  client: RegistryClient,
  contracts: ContractSet,
  description: string,
  onRegistered: (event: EventVersion, id: number) => void = () => undefined,
): Promise<RegisteredVersions> {
  const ids = new Map<EventVersion, number>();
  let added = 0;
  const histories = eventHistories(contracts.events);
  for (const versions of histories.values()) {
    const subject = versions[0]!.subject;
    await client.setCompatibility(subject, versions[0]!.compatibility);
    for (const event of versions) {
      const payload = { schema: event.text, schemaType: event.format === 'avro' ? ('AVRO' as const) : ('JSON' as const) };
      const existing = await client.lookup(subject, payload);
      let id = existing?.id;
      if (id === undefined) {
        try {
          id = (await client.register(subject, payload)).id;
        } catch (error) {
          if (error instanceof RegistryHttpError && error.status === 409) {
            throw new CliError(`${event.file}: ${description} refused ${event.label} under ${subject} as incompatible: ${error.message}`, ExitCode.Failed);
          }
          throw error;
        }
        added++;
        onRegistered(event, id);
      }
      ids.set(event, id);
    }
  }
  return { ids, added, subjects: histories.size };
}
