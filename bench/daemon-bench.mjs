#!/usr/bin/env node
// The psad daemon under load, for this port and for psad 2.4.6 (with its C
// kmsgsd) on the same generated stream, in one of two set-ups:
//   --via fifo: lines appended to a file that a private rsyslogd
//     reads (imfile) and writes into psad's FIFO (omfile; ompipe with --ompipe) -> kmsgsd ->
//     fwdata -> psad (ENABLE_SYSLOG_FILE N)
//   --via file (default): lines appended to the syslog file psad follows itself
//     (ENABLE_SYSLOG_FILE Y, psad 2.4.6's default)
// Reports sustained lines/s (all lines counted in packet_ctr, none lost), the
// delay from one new line to the status file and to the alert, and psad's
// peak memory.
//   sudo node bench/daemon-bench.mjs [--lines N] [--via fifo|file] [--ompipe] [--no-reference]
// Runs in a network namespace of its own.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, writeFileSync, readFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { LogGenerator } = require('../dist/test/helpers/log-gen.js');
const args = process.argv.slice(2);
const opt = (n, d) => { const i = args.indexOf(`--${n}`); return i < 0 ? d : args[i + 1]; };
const LINES = Number(opt('lines', '200000'));
const VIA = opt('via', 'file');
const withRef = !args.includes('--no-reference') && existsSync('/usr/sbin/psad');
if (process.getuid() !== 0) { console.error('run as root'); process.exit(1); }

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ns = `psadbench-${process.pid}`;
spawnSync('ip', ['netns', 'add', ns]);
spawnSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);

function counter(dir) {
  try {
    const t = readFileSync(join(dir, 'root/var/log/psad/packet_ctr'), 'latin1');
    let n = 0;
    for (const m of t.matchAll(/^\s*\w+: (\d+)$/gm)) n += Number(m[1]);
    return n;
  } catch { return 0; }
}

async function stack(name, psadBin, confMain, confDir) {
  const dir = mkdtempSync(join(tmpdir(), `psad-dbench-${name.replace(/[^a-z0-9]+/gi, "_")}-`));
  const r = join(dir, 'root');
  for (const d of ['var/log/psad', 'var/run/psad', 'var/lib/psad']) mkdirSync(join(r, d), { recursive: true });
  const messages = join(dir, 'messages');
  writeFileSync(messages, '');
  const fifo = join(r, 'var/lib/psad/psadfifo');
  let rs = null;
  const via = VIA === 'fifo'
    ? ['ENABLE_SYSLOG_FILE N;', 'SYSLOG_DAEMON rsyslogd;', `ETC_RSYSLOG_CONF ${join(dir, 'sys-rsyslog.conf')};`]
    : ['ENABLE_SYSLOG_FILE Y;', `IPT_SYSLOG_FILE ${messages};`];
  if (VIA === 'fifo') {
    spawnSync('mkfifo', ['-m', '600', fifo]);
    writeFileSync(join(dir, 'sys-rsyslog.conf'), `kern.info\t\t|${fifo}\n`);
    writeFileSync(join(dir, 'rsyslog.conf'), [
      `global(workDirectory="${dir}")`,
      'module(load="imfile" mode="inotify")',
      'template(name="raw" type="string" string="%msg%\\n")',
      // omfile, not ompipe: ompipe writes without blocking and, when the pipe is
      // full, suspends the action for resumeInterval (1 s), which caps it at
      // about one pipe buffer (64 KB) per second; omfile's blocking writes go at
      // the reader's pace. --ompipe measures the ompipe set-up.
      args.includes('--ompipe')
        ? 'ruleset(name="fw") { action(type="ompipe" pipe="' + fifo + '" template="raw" action.resumeRetryCount="-1" action.resumeInterval="1" queue.type="LinkedList" queue.size="2000000") }'
        : 'ruleset(name="fw") { action(type="omfile" file="' + fifo + '" template="raw" action.resumeRetryCount="-1" queue.type="LinkedList" queue.size="2000000") }',
      `input(type="imfile" File="${messages}" Tag="fw" ruleset="fw")`,
      '',
    ].join('\n'));
  }
  writeFileSync(join(dir, 'override.conf'), [
    `INSTALL_ROOT ${r};`, `PSAD_CONF_DIR ${confDir};`, ...via, 'CHECK_INTERVAL 1;', 'ENABLE_PSADWATCHD N;', 'ENABLE_FW_LOGGING_CHECK N;',
    'ENABLE_WHOIS_LOOKUPS N;', 'ENABLE_DNS_LOOKUPS N;', 'ALERTING_METHODS noemail;', 'AUTO_DETECT_JOURNALCTL N;', 'HOSTNAME bench;',
    '',
  ].join('\n'));
  // the daemon keeps inherited descriptors open: no pipes to wait on
  const run = (a) => spawnSync('ip', ['netns', 'exec', ns, ...psadBin, '-c', confMain, '-O', join(dir, 'override.conf'), ...a], { stdio: 'ignore', timeout: 60000 });
  const st = run([]);
  if (st.status !== 0) throw new Error(`${name}: psad did not start (status ${st.status})`);
  let rsFailed = null;
  try {
  await sleep(3000);
  if (VIA === 'fifo') {
    rs = spawn('rsyslogd', ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rs.pid')], { stdio: 'ignore' });
    rs.on('error', (e) => { rsFailed = e; });
    await sleep(2000);
    if (rsFailed) throw new Error(`rsyslogd: ${rsFailed.message}`);
  }
  const send = async (text) => appendFileSync(messages, text);
  const gen = new LogGenerator({ lines: LINES, seed: 7, realistic: true, sources: Math.max(100, LINES / 200) });
  const body = [...gen.lines()].map((l) => (l.endsWith('\n') ? l : `${l}\n`)).join('');
  const header = body.slice(0, body.indexOf('kernel: ') + 8);
  const t0 = Date.now();
  await send(body);
  const tSent = Date.now();
  let n = 0;
  for (let i = 0; i < 3000; i++) {
    n = counter(dir);
    if (n >= LINES) break;
    await sleep(100);
  }
  const tDone = Date.now();
  // latency: one new scan line -> packet_ctr, and -> the alert (the per-IP danger_level file)
  const before = counter(dir);
  const probe = Array.from({ length: 20 }, (_, i) => `${header}DROP IN=eth0 OUT= SRC=198.18.77.77 DST=192.0.2.1 LEN=44 TOS=0x00 PREC=0x00 TTL=53 ID=${i} PROTO=TCP SPT=4000 DPT=${20000 + i} WINDOW=1024 RES=0x00 SYN URGP=0 `).join('\n') + '\n';
  const tp = Date.now();
  await send(probe);
  let tCtr = 0;
  let tAlert = 0;
  for (let i = 0; i < 400 && !(tCtr && tAlert); i++) {
    if (!tCtr && counter(dir) >= before + 20) tCtr = Date.now();
    if (!tAlert && existsSync(join(r, 'var/log/psad/198.18.77.77/danger_level'))) tAlert = Date.now();
    await sleep(25);
  }
  let rss = 0;
  try {
    const pid = Number(readFileSync(join(r, 'var/run/psad/psad.pid'), 'latin1'));
    rss = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))[1]);
  } catch { /* gone */ }
  return { name, counted: n, secs: (tDone - t0) / 1000, sendSecs: (tSent - t0) / 1000, ctrMs: tCtr ? tCtr - tp : -1, alertMs: tAlert ? tAlert - tp : -1, rssMb: rss / 1024 };
  } finally {
    run(['-K']);
    if (rs && !rsFailed) rs.kill('SIGTERM');
    await sleep(500);
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows = [];
try {
  rows.push(await stack('psad-node', [process.execPath, join(root, 'bin/psad')], join(root, 'etc/psad.conf'), join(root, 'etc')));
  if (withRef) rows.push(await stack('psad 2.4.6', ['/usr/sbin/psad'], '/etc/psad/psad.conf', '/etc/psad'));
} finally {
  spawnSync('ip', ['netns', 'delete', ns]);
}
console.log(VIA === 'fifo' ? `\n${LINES} lines through rsyslogd -> FIFO -> kmsgsd -> psad (CHECK_INTERVAL 1)` : `\n${LINES} lines appended to the syslog file psad follows (CHECK_INTERVAL 1)`);
console.log('program        counted    seconds   lines/s   line->status ms   line->alert ms   psad peak RSS MB');
for (const r of rows) {
  console.log(`${r.name.padEnd(14)} ${String(r.counted).padStart(8)} ${r.secs.toFixed(1).padStart(10)} ${Math.round(r.counted / r.secs).toString().padStart(9)} ${String(r.ctrMs).padStart(17)} ${String(r.alertMs).padStart(16)} ${r.rssMb.toFixed(0).padStart(18)}`);
}
