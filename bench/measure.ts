import { readFileSync } from 'node:fs';

/** What the bench reads about a server process from /proc (Linux), and how it rounds what it reports. */

const CLOCK_TICKS = 100;

/** User + system CPU seconds in a /proc stat file (fields 14 and 15, after the command name). */
function statCpuSeconds(path: string): number {
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** User + system CPU seconds a process has used so far, all its threads together. */
export function cpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/** User + system CPU seconds a process's main thread (the event loop of a Node process) has used so far. */
export function mainThreadCpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/task/${pid}/stat`);
}

/** Peak (VmHWM) and current (VmRSS) resident set of a process, in bytes. */
export function memoryOf(pid: number): { peakRssBytes: number; rssBytes: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { peakRssBytes: kb('VmHWM'), rssBytes: kb('VmRSS') };
}

export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

