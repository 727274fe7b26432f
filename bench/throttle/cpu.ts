/**
 * CPU use over the paced load of `npm run bench -- throttle`, from /proc: each process of the cluster (and
 * the RabbitMQ broker, when its beam.smp is found), the load generator (this process), and the rest of the
 * machine (busy time from /proc/stat minus those): other work on the machine delays the gateways, and
 * requests then queue on their way to them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds, machineBusySeconds } from '../lib/server.js';

/** The pid of the RabbitMQ broker's Erlang VM on this machine, if any. */
export function findRabbitMq(): number | undefined {
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'beam.smp') return Number(entry);
      } catch {
        // It ended meanwhile.
      }
    }
  } catch {
    // No /proc.
  }
  return undefined;
}

/** % of one core by label, with `other` for the rest of the machine; undefined where /proc is missing. */
export type CpuShares = Record<string, number | undefined>;

/** Starts counting; the returned function ends the window and answers each process's share. */
export function watchCpu(pids: Record<string, number>): () => CpuShares {
  const started = performance.now();
  const before = Object.fromEntries(Object.entries(pids).map(([label, pid]) => [label, cpuSeconds(pid)]));
  const machineBefore = machineBusySeconds();
  return () => {
    const wallSec = (performance.now() - started) / 1000;
    const shares: CpuShares = {};
    let accounted: number | undefined = 0;
    for (const [label, pid] of Object.entries(pids)) {
      const a = before[label];
      const b = cpuSeconds(pid);
      const used = a === undefined || b === undefined ? undefined : b - a;
      shares[label] = used === undefined ? undefined : (used / wallSec) * 100;
      accounted = used === undefined || accounted === undefined ? undefined : accounted + used;
    }
    const machineAfter = machineBusySeconds();
    shares.other =
      machineBefore === undefined || machineAfter === undefined || accounted === undefined
        ? undefined
        : Math.max(0, ((machineAfter - machineBefore - accounted) / wallSec) * 100);
    return shares;
  };
}
