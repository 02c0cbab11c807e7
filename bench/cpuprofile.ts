/**
 * Summarises a V8 .cpuprofile (as written by `node --cpu-prof`): where a process spent its CPU
 * time, by function (self and inclusive) and by file or package.
 *
 *   node --import tsx bench/cpuprofile.ts <file.cpuprofile> [--top N] [--window START_US:END_US]
 *
 * Percentages are of the busy time: samples of "(idle)" (the event loop waiting) are left out.
 * Paths are shown relative to the project root; packages as node_modules/<name>. Line numbers are
 * shown for JavaScript files only: TypeScript run through tsx is profiled in its transformed form,
 * whose positions do not match the source.
 *
 * A window (CLOCK_MONOTONIC microseconds, the clock of process.hrtime and of V8's profile
 * timestamps on Linux, shared by all processes) keeps only the samples taken inside it, so a
 * profile of a whole server process can be read for one phase of a benchmark.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT_URL = new URL('..', import.meta.url).href;

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileWindow {
  startUs: number;
  endUs: number;
}

export interface ProfileSummary {
  file: string;
  /** Only samples inside this window were counted. */
  window?: ProfileWindow;
  /** Wall time the profile covers, ms. */
  profiledMs: number;
  /** Sampled time that was not idle, ms. */
  busyMs: number;
  selfTop: ProfileEntry[];
  inclusiveTop: ProfileEntry[];
  byFile: ProfileEntry[];
}

function shortUrl(url: string): string {
  if (!url) return '';
  let u = url.startsWith(ROOT_URL) ? url.slice(ROOT_URL.length) : url;
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) u = u.slice(nm);
  if (u.startsWith('file://')) u = u.slice('file://'.length);
  return u;
}

/** "node_modules/<pkg>" for packages, the file for our own code, "node:…" for Node internals. */
function fileGroup(url: string): string {
  const u = shortUrl(url);
  if (!u) return '(native / V8)';
  const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  if (m) return `node_modules/${m[1]}`;
  return u;
}

function frameName(f: CallFrame): string {
  const fn = f.functionName || '(anonymous)';
  const u = shortUrl(f.url);
  if (!u) return fn;
  return u.endsWith('.js') || u.endsWith('.mjs') || u.endsWith('.cjs') ? `${u}:${fn}:${f.lineNumber + 1}` : `${u}:${fn}`;
}

export function summarizeProfile(path: string, top = 15, window?: ProfileWindow): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  // Self time per node from the samples and their time deltas (microseconds).
  // Sample i is taken at startTime + timeDeltas[0..i] and stands for the time until the next one.
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (window && (at < window.startUs || at > window.endUs)) return;
    const dt = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, dt));
  });

  const isIdle = (n: ProfileNode) => n.callFrame.functionName === '(idle)';
  let busyUs = 0;
  const self = new Map<string, number>();
  const files = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node || isIdle(node)) continue;
    busyUs += us;
    const name = frameName(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + us);
    const fn = node.callFrame.functionName;
    const group = fn.startsWith('(') ? fn : fileGroup(node.callFrame.url);
    files.set(group, (files.get(group) ?? 0) + us);
    // Inclusive: credit each distinct function on the stack once (recursion counted once).
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur);
      if (!n) break;
      const key = frameName(n.callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const ranked = (m: Map<string, number>, skip: (name: string) => boolean = () => false): ProfileEntry[] =>
    [...m.entries()]
      .filter(([name]) => !skip(name))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, share: busyUs ? Math.round((us / busyUs) * 1000) / 1000 : 0 }));
  return {
    file: shortUrl(`file://${path}`),
    ...(window ? { window } : {}),
    profiledMs: Math.round(
      (Math.min(profile.endTime, window?.endUs ?? Infinity) - Math.max(profile.startTime, window?.startUs ?? -Infinity)) / 1000,
    ),
    busyMs: Math.round(busyUs / 1000),
    selfTop: ranked(self),
    // The root and the event-loop plumbing enclose everything; they say nothing.
    inclusiveTop: ranked(inclusive, (name) => name === '(root)' || name === '(program)'),
    byFile: ranked(files),
  };
}

export function formatProfile(s: ProfileSummary): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
  const rows = (entries: ProfileEntry[]) => entries.map((e) => `      ${pct(e.share)}  ${String(e.ms).padStart(8)} ms  ${e.name}`);
  return [
    `  CPU profile ${s.file}${s.window ? ' (HTTP run only)' : ''}: ${s.busyMs} ms busy of ${s.profiledMs} ms`,
    '    by file / package (self time):',
    ...rows(s.byFile),
    '    by function, self time:',
    ...rows(s.selfTop),
    '    by function, inclusive time:',
    ...rows(s.inclusiveTop),
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const file = args.find((a, i) => !a.startsWith('--') && !['--top', '--window'].includes(args[i - 1] ?? ''));
  const top = Number(value('--top') ?? 20);
  const [startUs, endUs] = (value('--window') ?? '').split(':').map(Number);
  const window = startUs !== undefined && endUs !== undefined && endUs > startUs ? { startUs, endUs } : undefined;
  if (!file || !Number.isInteger(top) || top < 1 || (value('--window') !== undefined && !window)) {
    process.stderr.write('usage: node --import tsx bench/cpuprofile.ts <file.cpuprofile> [--top N] [--window START_US:END_US]\n');
    process.exit(2);
  }
  process.stdout.write(`${formatProfile(summarizeProfile(file, top, window)).join('\n')}\n`);
}
