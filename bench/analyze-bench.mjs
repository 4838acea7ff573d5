#!/usr/bin/env node
// Runs `psad -A` of this port and of psad 2.4.6 (/usr/sbin/psad) on the same
// generated log and prints wall time, lines/s and peak RSS side by side.
//   npm run bench -- [--lines N] [--profile realistic|mixed|plain] [--no-reference] [--runs R]
// Peak RSS comes from GNU time (/usr/bin/time, Debian package "time") when
// present, else from polling /proc/<pid>/status (VmHWM).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? dflt : args[i + 1];
};
const lines = Number(opt('lines', '1000000'));
const profile = opt('profile', 'realistic');
const runs = Number(opt('runs', '1'));
const withRef = !args.includes('--no-reference') && existsSync('/usr/sbin/psad');

const work = mkdtempSync(join(tmpdir(), 'psad-bench-'));
const log = join(work, `${profile}-${lines}.log`);

function run(cmd, argv) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const useTime = existsSync('/usr/bin/time');
    const timeFile = join(work, 'time.txt');
    const child = useTime
      ? spawn('/usr/bin/time', ['-f', '%M', '-o', timeFile, cmd, ...argv], { stdio: ['ignore', 'ignore', 'inherit'] })
      : spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'inherit'] });
    let peak = 0;
    const poll = useTime ? null : setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]));
      } catch { /* exited */ }
    }, 20);
    child.on('exit', (code) => {
      if (poll) clearInterval(poll);
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      if (useTime) peak = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop());
      resolve({ code, secs, peakKb: peak });
    });
  });
}

function overrides(name, confDir) {
  const r = join(work, name);
  for (const d of ['var/log', 'var/run', 'var/lib']) mkdirSync(join(r, 'root', d), { recursive: true });
  const f = join(r, 'override.conf');
  writeFileSync(f, `INSTALL_ROOT ${r}/root;\nPSAD_CONF_DIR ${confDir};\n`);
  return f;
}

const gen = spawn(process.execPath, [join(root, 'bench/gen-log.mjs'), '--lines', String(lines), '--profile', profile, log], { stdio: 'inherit' });
await new Promise((r) => gen.on('exit', r));

const rows = [];
const common = ['-A', '-m', log, '--no-rdns', '--no-whois'];
for (let i = 0; i < runs; i++) {
  const ours = await run(process.execPath, [join(root, 'bin/psad'), ...common, '-c', join(root, 'etc/psad.conf'), '-O', overrides('ours', join(root, 'etc'))]);
  rows.push(['psad-node', ours]);
}
if (withRef) {
  const ref = await run('/usr/sbin/psad', [...common, '-c', '/etc/psad/psad.conf', '-O', overrides('ref', '/etc/psad')]);
  rows.push(['psad 2.4.6 (Perl)', ref]);
}
console.log(`\n${lines} lines, profile ${profile}`);
console.log('program               exit   wall s    lines/s   peak RSS MB');
for (const [name, r] of rows) {
  console.log(`${name.padEnd(20)} ${String(r.code).padStart(5)} ${r.secs.toFixed(2).padStart(8)} ${Math.round(lines / r.secs).toString().padStart(10)} ${(r.peakKb / 1024).toFixed(0).padStart(13)}`);
}
rmSync(work, { recursive: true, force: true });
