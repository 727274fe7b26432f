/** `portcullis db migrate`: prepares a database (run once before starting nodes against a shared one). */
import type { Command } from 'commander';
import { createLogger } from '../platform/logger.js';
import { openMigratedDatabase } from '../node/start-node.js';
import { loadConfigOrExit } from './load-or-exit.js';

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('database administration');
  db.command('migrate')
    .description('apply pending database migrations')
    .option('-c, --config <file>', 'configuration file')
    .action(async (options: { config?: string }) => {
      const { config } = loadConfigOrExit(options.config);
      const database = await openMigratedDatabase(config, createLogger('warn')).catch((err: Error) => {
        console.error(`migration failed: ${err.message}`);
        process.exit(1);
      });
      await database.close();
      console.log(`database (${database.engine}) is up to date`);
    });
}
