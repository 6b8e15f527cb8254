import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";

/** A process the benchmark started (a service, a worker), with its output going to a log file. */
export interface Proc {
  name: string;
  pid: number;
  child: ChildProcess;
  logFile: string;
  exited: Promise<void>;
  /** SIGTERM, then SIGKILL after `ms`. */
  stop(ms?: number): Promise<void>;
}

export function spawnNode(
  name: string,
  script: string,
  env: Record<string, string>,
  logFile: string,
  nodeArgs: string[] = [],
): Proc {
  const fd = openSync(logFile, "a");
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { PATH: process.env["PATH"] ?? "", ...env },
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${name} (${script})`);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    name,
    pid: child.pid,
    child,
    logFile,
    exited,
    async stop(ms = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), ms);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Memory of a live process from /proc/<pid>/status, in MB: VmHWM is the peak resident set. */
export function memoryOf(pid: number): { rssMb: number; peakRssMb: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN);
    return { rssMb: kb("VmRSS") / 1024, peakRssMb: kb("VmHWM") / 1024 };
  } catch {
    return undefined;
  }
}

/** CPU time (user + system, ms) from a /proc stat file (100 ticks/s); NaN when it cannot be read. */
function statCpuMs(path: string): number {
  try {
    const stat = readFileSync(path, "utf8");
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** CPU time a live process has used so far, all its threads (ms). */
export function cpuMsOf(pid: number): number {
  return statCpuMs(`/proc/${pid}/stat`);
}

/**
 * CPU time (ms) a live process's main thread has used so far. For a Node process the rest of its
 * CPU is V8's and libuv's background threads: optimizing (TurboFan) compiles, concurrent GC, file
 * system work.
 */
export function mainThreadCpuMsOf(pid: number): number {
  return statCpuMs(`/proc/${pid}/task/${pid}/stat`);
}

/** Samples the summed RSS of some processes, to report the peak of their total at one instant. */
export function sampleTotalRss(pids: () => number[], everyMs = 100): { stop(): number } {
  let peak = 0;
  const tick = (): void => {
    let sum = 0;
    for (const pid of pids()) sum += memoryOf(pid)?.rssMb ?? 0;
    peak = Math.max(peak, sum);
  };
  tick();
  const t = setInterval(tick, everyMs);
  return {
    stop() {
      clearInterval(t);
      tick();
      return peak;
    },
  };
}
