import type { CommandModule } from 'yargs';
import { buildLock, checkLock, readLock, writeLock } from '../../gate/lock-file.js';
import { eventHistories } from '../../gate/histories.js';
import { RegistryHttpError } from '../../registry/client.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { loadProjectOrExit, withProject, type ProjectArgs } from '../project.js';
import { openRegistryTarget, registryCliError } from '../registry-target.js';

interface RegisterArgs extends ProjectArgs {
  registry?: string;
}

export const registerCommand: CommandModule<object, RegisterArgs> = {
  command: 'register',
  describe: 'Register every contract version, in version order, and record registry ids in schemas/herald.lock.json',
  builder: (yargs) =>
    withProject(yargs)
      .option('registry', { type: 'string', describe: 'Confluent-compatible registry URL (default: registryUrl in herald.json, else the embedded registry under .herald/registry)' })
      .example('$0 register', 'into the embedded registry')
      .example('$0 register --registry http://localhost:8081', 'into a running registry (Confluent, Karapace, Apicurio ccompat, herald)')
      .epilogue('Idempotent: versions already registered keep their ids. Exit codes: 0 done, 1 the registry refused a version as incompatible or a locked version changed, 2 invalid contracts or registry unreachable.'),
  handler: async (args) => {
    const contracts = await loadProjectOrExit(args);
    const previous = await readLock(contracts);
    const changed = previous ? checkLock(contracts, previous) : [];
    if (changed.length > 0) {
      throw new CliError(`published versions changed since they were locked; publish changes as new versions:\n${changed.map((f) => `  ${f.subject}: ${f.rule}`).join('\n')}`, ExitCode.Failed);
    }
    const target = await openRegistryTarget(contracts, args.registry);
    const lock = buildLock(contracts, previous);
    let added = 0;
    try {
      for (const versions of eventHistories(contracts.events).values()) {
        const subject = versions[0]!.subject;
        await target.client.setCompatibility(subject, versions[0]!.compatibility);
        for (const event of versions) {
          const payload = { schema: event.text, schemaType: event.format === 'avro' ? ('AVRO' as const) : ('JSON' as const) };
          const existing = await target.client.lookup(subject, payload);
          let id = existing?.id;
          if (id === undefined) {
            try {
              id = (await target.client.register(subject, payload)).id;
            } catch (error) {
              if (error instanceof RegistryHttpError && error.status === 409) {
                throw new CliError(`${event.file}: ${target.description} refused ${event.label} under ${subject} as incompatible: ${error.message}`, ExitCode.Failed);
              }
              throw error;
            }
            added++;
            process.stdout.write(`registered ${event.label} as ${subject} id ${id}\n`);
          }
          lock.events[event.type]![String(event.version)]!.id = id;
        }
      }
    } catch (error) {
      throw registryCliError(error) ?? error;
    } finally {
      await target.close();
    }
    await writeLock(contracts, lock);
    process.stdout.write(`${added} registered, ${contracts.events.length - added} already registered in ${target.description}; ids recorded in schemas/herald.lock.json\n`);
  },
};
