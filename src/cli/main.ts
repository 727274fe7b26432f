/** The `portcullis` command line. */
import { Command } from 'commander';
import { registerCertsCommands } from './certs-command.js';
import { registerConfigCommands } from './config-command.js';
import { registerDbCommands } from './db-command.js';
import { registerStartCommand } from './start-command.js';
import { VERSION } from './version.js';

// Everything a node writes (database, keys, certificates, passwords) is for its own user only.
process.umask(0o077);

const program = new Command()
  .name('portcullis')
  .description(
    'Portcullis API manager: Key Manager, Publisher, Developer Portal, Traffic Manager and Gateway',
  )
  .version(VERSION, '-v, --version', 'print the version')
  .showHelpAfterError();

registerStartCommand(program);
registerConfigCommands(program);
registerDbCommands(program);
registerCertsCommands(program);
program
  .command('version')
  .description('print the version')
  .action(() => console.log(VERSION));

await program.parseAsync(process.argv);
