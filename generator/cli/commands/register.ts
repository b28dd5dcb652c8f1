import type { CommandModule } from 'yargs';
import { buildLock, checkLock, readLock, writeLock } from '../../gate/lock-file.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { loadProjectOrExit, withProject, type ProjectArgs } from '../project.js';
import { registerVersions } from '../register-versions.js';
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
      const registered = await registerVersions(target.client, contracts, target.description, (event, id) => {
        process.stdout.write(`registered ${event.label} as ${event.subject} id ${id}\n`);
      });
      for (const [event, id] of registered.ids) lock.events[event.type]![String(event.version)]!.id = id;
      added = registered.added;
    } catch (error) {
      throw registryCliError(error) ?? error;
    } finally {
      await target.close();
    }
    await writeLock(contracts, lock);
    process.stdout.write(`${added} registered, ${contracts.events.length - added} already registered in ${target.description}; ids recorded in schemas/herald.lock.json\n`);
  },
};
