/** `portcullis config check`: prints the effective configuration, secrets masked; exit 1 if invalid. */
import type { Command } from 'commander';
import { stringify } from 'smol-toml';
import { maskConfig } from '../config/mask.js';
import { configurationReference } from '../config/reference.js';
import { loadConfigOrExit } from './load-or-exit.js';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('inspect the configuration');
  config
    .command('check')
    .description('validate the configuration and print the effective values (secrets masked)')
    .option('-c, --config <file>', 'configuration file (default: $PORTCULLIS_CONFIG or ./portcullis.toml)')
    .action((options: { config?: string }) => {
      const { config: effective, file } = loadConfigOrExit(options.config);
      console.log(`# effective configuration (${file ? `file ${file}` : 'no file'}, environment, defaults)`);
      console.log(stringify(maskConfig(effective)));
    });
  config
    .command('reference')
    .description('print every configuration key with its environment variable, type and default (Markdown)')
    .action(() => console.log(configurationReference()));
}
