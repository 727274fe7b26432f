/**
 * Brings the local cluster up before the suite and down after it. Without nginx, PostgreSQL or RabbitMQ the
 * suite skips with a printed notice; under CI (`CI=true`) that is a failure.
 */
import type { TestProject } from 'vitest/node';
import { down, up } from '../../../deploy/local-cluster/cluster.js';
import { nginxInstalled } from '../../../deploy/local-cluster/processes.js';
import { postgresAvailable, rabbitmqAvailable } from '../../support/services.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** True when the cluster is up (its cluster.json written). */
    clusterUp: boolean;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const nginx = await nginxInstalled();
  if (!nginx) {
    const notice = 'nginx is not installed (apt-get install -y nginx)';
    if (process.env.CI === 'true') throw new Error(`${notice}: required under CI`);
    console.warn(`NOTICE: ${notice}; skipping the cluster suite (set CI=true to make this a failure)`);
  }
  const available = nginx && (await postgresAvailable()) && (await rabbitmqAvailable());
  project.provide('clusterUp', available);
  if (!available) return undefined;
  // Nodes left running by an earlier `up` may run older code than this checkout: start them afresh.
  await down();
  await up();
  return () => down();
}
