import type { CommandModule } from 'yargs';
import { buildLock, checkLock, LOCK_FILE, readLock, writeLock } from '../../gate/lock-file.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { loadProjectOrExit, withProject, type ProjectArgs } from '../project.js';

interface LockArgs extends ProjectArgs {
  force: boolean;
}

export const lockCommand: CommandModule<object, LockArgs> = {
  command: 'lock',
  describe: `Record every current version as published in schemas/${LOCK_FILE}`,
  builder: (yargs) =>
    withProject(yargs).option('force', {
      type: 'boolean',
      default: false,
      describe: 'also re-lock versions that were edited or deleted since they were locked',
    }),
  handler: async (args) => {
    const contracts = await loadProjectOrExit(args);
    const previous = await readLock(contracts);
    const changed = previous ? checkLock(contracts, previous) : [];
    if (changed.length > 0 && !args.force) {
      const list = changed.map((f) => `  ${f.subject}: ${f.rule}`).join('\n');
      throw new CliError(`published versions changed since they were locked:\n${list}\nPublish changes as new versions, or pass --force to re-lock them.`, ExitCode.Failed);
    }
    await writeLock(contracts, buildLock(contracts, previous));
    process.stdout.write(`locked ${contracts.events.length} event versions in schemas/${LOCK_FILE}\n`);
  },
};
