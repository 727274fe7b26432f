/** `portcullis start`: runs a node until SIGTERM/SIGINT, then shuts down gracefully within 10 s. */
import { Command, Option } from 'commander';
import { PROFILES, type Profile } from '../config/schema.js';
import { createLogger } from '../platform/logger.js';
import { startNode } from '../node/start-node.js';
import { loadConfigOrExit } from './load-or-exit.js';

const SHUTDOWN_DEADLINE_MS = 10_000;

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('start a node (default profile: all components in one process)')
    .addOption(new Option('-p, --profile <profile>', 'components to run').choices(PROFILES))
    .option('-c, --config <file>', 'configuration file (default: $PORTCULLIS_CONFIG or ./portcullis.toml)')
    .action(async (options: { profile?: Profile; config?: string }) => {
      const { config } = loadConfigOrExit(options.config);
      if (options.profile) config.node.profile = options.profile;
      const logger = createLogger(config.log.level);
      const node = await startNode(config, logger).catch((err: Error) => {
        logger.fatal({ err }, 'start failed');
        console.error(`portcullis: cannot start: ${err.message}`);
        process.exit(1);
      });
      const banner = [
        `Portcullis is running (profile ${config.node.profile})`,
        `  management  ${node.urls.https}  ${node.urls.http}`,
        ...node.components.flatMap((c) => c.describe().map((line) => `  ${line}`)),
        `  health      ${node.urls.http}/health/ready`,
        `  data        ${config.data_dir}`,
      ];
      console.error(banner.join('\n'));
      logger.info({ urls: node.urls, profile: config.node.profile }, 'node started');

      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'shutting down');
        const deadline = setTimeout(() => {
          logger.error('shutdown did not finish within 10 s; exiting');
          process.exit(1);
        }, SHUTDOWN_DEADLINE_MS);
        deadline.unref();
        void node.close().then(() => {
          logger.info('stopped');
          process.exit(0);
        });
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}
