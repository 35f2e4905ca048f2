/**
 * CPU time by process group over a measurement, read from /proc (Linux): the benchmarked
 * server, PostgreSQL's processes and this load generator. On a two-core machine they share,
 * this says which of them a figure is waiting on. Elsewhere it reports nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface CpuShares {
  server: number;
  postgres: number;
  loadGenerator: number;
}

type Ticks = Map<number, { group: keyof CpuShares; ticks: number }>;

/** Kernel clock ticks per second, which /proc/<pid>/stat counts in (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

function snapshot(serverPid: number): Ticks | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const ticks: Ticks = new Map();
  for (const name of pids) {
    const pid = Number(name);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // fields after the command, which is in parentheses and may hold spaces
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const used = Number(fields[11]) + Number(fields[12]);
      const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const group =
        pid === serverPid
          ? 'server'
          : pid === process.pid
            ? 'loadGenerator'
            : command === 'postgres'
              ? 'postgres'
              : undefined;
      if (group) ticks.set(pid, { group, ticks: used });
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks;
}

/** Starts counting; the returned function gives the cores each group used since. */
export function startCpuCount(serverPid: number): () => CpuShares | undefined {
  const before = snapshot(serverPid);
  const started = performance.now();
  return () => {
    const after = snapshot(serverPid);
    if (!before || !after) return undefined;
    const seconds = (performance.now() - started) / 1000;
    const shares: CpuShares = { server: 0, postgres: 0, loadGenerator: 0 };
    for (const [pid, { group, ticks }] of after) {
      // a backend that started during the measurement counts from zero
      shares[group] += (ticks - (before.get(pid)?.ticks ?? 0)) / TICKS_PER_SECOND / seconds;
    }
    return shares;
  };
}

/**
 * The cores each group used and, given the items per second, the CPU time each spent per item:
 * on a machine they share, a side's rate is bounded by the sum of those times.
 */
export function describeCpu(shares: CpuShares, itemsPerSecond: number, item: string): string {
  const cores = (n: number) => n.toFixed(2);
  const perItem = (n: number) => `${((n / itemsPerSecond) * 1e6).toFixed(0)}`;
  const total = shares.server + shares.postgres + shares.loadGenerator;
  return (
    `cores: server ${cores(shares.server)}, PostgreSQL ${cores(shares.postgres)}, load generator ${cores(shares.loadGenerator)}\n` +
    `      CPU µs per ${item}: server ${perItem(shares.server)}, PostgreSQL ${perItem(shares.postgres)}, load generator ${perItem(shares.loadGenerator)}, in all ${perItem(total)}`
  );
}
