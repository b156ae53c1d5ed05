/**
 * CPU time spent by the PostgreSQL backends serving one database, read from Linux's /proc: where a
 * bench's time goes on the database side, next to the server's own `process.cpuUsage()`. Backends
 * are found by their process title (`postgres: ... <user> <database> <host>...`) and sampled every
 * half second, so a backend that exits mid-run (a pool closing an idle connection) keeps the CPU
 * time it had at its last sample. Where /proc is missing (not Linux) it measures nothing.
 */
import { readdir, readFile } from 'node:fs/promises';

const SAMPLE_INTERVAL_MS = 500;
/** /proc/<pid>/stat counts CPU time in clock ticks of 1/100 s on Linux. */
const TICKS_PER_SECOND = 100;
/** Fields after the command name: utime and stime are the 12th and 13th. */
const UTIME_FIELD = 11;
const STIME_FIELD = 12;

export interface BackendCpuMeter {
  /** CPU seconds the database's backends used since `start`, or null where /proc is unavailable. */
  seconds(): Promise<number | null>;
  stop(): void;
}

async function sampleBackends(database: string): Promise<Map<string, number> | null> {
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  const cpu = new Map<string, number>();
  await Promise.all(
    pids.map(async (pid) => {
      try {
        const title = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
        if (!title.startsWith('postgres:') || !title.split(' ').includes(database)) return;
        const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        cpu.set(pid, (Number(fields[UTIME_FIELD]) + Number(fields[STIME_FIELD])) / TICKS_PER_SECOND);
      } catch {
        // The process ended between the listing and the read.
      }
    }),
  );
  return cpu;
}

/** Starts measuring the CPU time of `database`'s backends from now. */
export async function startBackendCpuMeter(database: string): Promise<BackendCpuMeter> {
  const baseline = await sampleBackends(database);
  const latest = new Map(baseline ?? []);
  const sample = async () => {
    for (const [pid, seconds] of (await sampleBackends(database)) ?? []) latest.set(pid, seconds);
  };
  const timer = setInterval(() => void sample(), SAMPLE_INTERVAL_MS);
  timer.unref();
  return {
    async seconds() {
      if (baseline === null) return null;
      await sample();
      let total = 0;
      for (const [pid, seconds] of latest) total += seconds - (baseline.get(pid) ?? 0);
      return total;
    },
    stop: () => clearInterval(timer),
  };
}
