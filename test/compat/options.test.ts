import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import { PSAD_BIN, REFERENCE, ROOT, tmpDir } from '../helpers/paths';
import { REFERENCE_PSAD } from '../helpers/reference';
import { needsReference, needsShared } from '../helpers/requires';
import { PSAD_OPTS } from '../../src/config/psad-options';

/**
 * Every option of psad 2.4.6 and of the psad 2.1.7 man page, from the table
 * in test/data/psad-options.json: each is run on a suitable input and its
 * effect is checked as a user would see it (the output, the exit status,
 * the files written). The same run of psad 2.4.6 shows where the two agree
 * and where they differ; every difference must be explained in the README.
 */

interface Case {
  names: string[];
  args?: string[];
  input?: string;
  conf?: string;
  cwd?: boolean;
  netns?: boolean;
  daemon?: boolean;
  status?: number;
  stdout?: string;
  notstdout?: string;
  stderr?: string;
  file?: [string, string];
  filenot?: [string, string];
  stdoutEmpty?: boolean;
  absent?: string;
  absentAfterStart?: string;
  stderrAfterStart?: string;
  restart?: boolean;
  ref?: string;
  e2e?: string;
}

const TABLE = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/data/psad-options.json'), 'utf8')) as { options: Case[] };
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const ROOT_USER = process.getuid?.() === 0;
const SCANS = path.join(REFERENCE, 'test/scans/iptables');
/** the scratch log of the option runs is made of upstream test logs */
const SHARED = needsShared();

/** The scratch files every case may use. */
function scratch(): Record<string, string> {
  const dir = tmpDir('opts');
  const log = path.join(dir, 'scan.log');
  fs.writeFileSync(log, ['syn_sweep', 'ms_sql_server_sig_match', 'ipv6_ping_scan'].map((f) => fs.readFileSync(path.join(SCANS, f), 'latin1')).join(''));
  const bad = path.join(dir, 'bad.log');
  fs.writeFileSync(bad, 'Mar 11 20:35:14 linux kernel: DROP IN=eth1 OUT= SRC=192.168.10.55 DST=192.168.10.1 LEN=44 PROTO=TCP SPT=x DPT=y\n');
  fs.writeFileSync(path.join(dir, 'tmpl.gnu'), '# my template\nplot "psad_iptables.dat"\n');
  fs.writeFileSync(path.join(dir, 'extra.conf'), 'CHECK_INTERVAL 77;\n');
  fs.writeFileSync(path.join(dir, 'empty-sigs'), '');
  fs.writeFileSync(path.join(dir, 'auto_dl'), '192.168.10.55 0;\n');
  fs.writeFileSync(path.join(dir, 'fw_search.conf'), 'FW_SEARCH_ALL N;\nFW_MSG_SEARCH NOSUCHPREFIX;\n');
  const sigs = path.join(dir, 'new-signatures');
  fs.copyFileSync(path.join(ROOT, 'etc', 'signatures'), sigs);
  // --sig-update replaces this one (never a file of the repository or of /etc/psad)
  fs.writeFileSync(path.join(dir, 'signatures'), fs.readFileSync(sigs, 'latin1').split('\n').slice(0, 40).join('\n'));
  return { dir, log, bad, sigs };
}

function fill(s: string, v: Record<string, string>): string {
  return s.replace(/\{(\w+)\}/g, (_, k) => v[k] ?? `{${k}}`);
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  root: string;
  cwd: string;
}

function runOne(which: 'ours' | 'reference', c: Case, args: string[], v: Record<string, string>, ns: string | null): Run {
  const dir = tmpDir(`opt-${which}`);
  const root = path.join(dir, 'root');
  for (const d of ['var/log', 'var/run', 'var/lib']) fs.mkdirSync(path.join(root, d), { recursive: true });
  const cwd = path.join(dir, 'cwd');
  fs.mkdirSync(cwd);
  const confDir = which === 'ours' ? path.join(ROOT, 'etc') : '/etc/psad';
  const ovr = path.join(dir, 'o.conf');
  fs.writeFileSync(ovr, [`INSTALL_ROOT ${root};`, `PSAD_CONF_DIR ${confDir};`, 'ALERTING_METHODS noemail,nosyslog;', 'ENABLE_PSADWATCHD N;',
    'mailCmd /bin/true;', 'sendmailCmd /bin/true;', 'ENABLE_SYSLOG_FILE Y;', `IPT_SYSLOG_FILE ${path.join(dir, 'messages')};`,
    'ENABLE_FW_LOGGING_CHECK N;', 'CHECK_INTERVAL 1;', fill(c.conf ?? '', v), ''].join('\n'));
  fs.writeFileSync(path.join(dir, 'messages'), '');
  const main = which === 'ours' ? path.join(ROOT, 'etc', 'psad.conf') : '/etc/psad/psad.conf';
  const a = [...args];
  const oi = a.findIndex((x) => x === '-O' || x === '--Override-config');
  if (oi >= 0) a[oi + 1] = `${a[oi + 1]},${ovr}`;
  else a.push('-O', ovr);
  if (!a.includes('-c')) a.unshift('-c', main);
  const bin = which === 'ours' ? [process.execPath, PSAD_BIN] : [REFERENCE_PSAD];
  const cmd = ns ? ['ip', 'netns', 'exec', ns, ...bin] : bin;
  const r = spawnSync(cmd[0], [...cmd.slice(1), ...a], {
    cwd: c.cwd ? cwd : undefined, encoding: 'latin1', timeout: 120000, maxBuffer: 64 << 20,
    input: c.input ? fs.readFileSync(fill(c.input, v)) : undefined,
  });
  return { status: r.status, stdout: (r.stdout ?? '').split(root).join(''), stderr: r.stderr ?? '', root, cwd };
}

/** Does a run show what the case expects? Returns the reasons it does not. */
function check(c: Case, r: Run, v: Record<string, string>): string[] {
  const bad: string[] = [];
  const want = c.status ?? 0;
  if (r.status !== want) bad.push(`exit status ${r.status}, expected ${want}`);
  if (c.stdout && !new RegExp(fill(c.stdout, v), 'm').test(r.stdout)) bad.push(`stdout does not match /${c.stdout}/`);
  if (c.notstdout && new RegExp(c.notstdout, 'm').test(r.stdout)) bad.push(`stdout matches /${c.notstdout}/`);
  if (c.stderr && !new RegExp(c.stderr, 'm').test(r.stderr)) bad.push(`stderr does not match /${c.stderr}/`);
  if (c.file) {
    const f = fill(c.file[0], v);
    const p = path.isAbsolute(f) ? f : c.cwd ? path.join(r.cwd, f) : path.join(r.root, f);
    if (!fs.existsSync(p)) bad.push(`${f} was not written`);
    else if (!new RegExp(c.file[1], 'm').test(fs.readFileSync(p, 'latin1'))) bad.push(`${f} does not match /${c.file[1]}/`);
  }
  if (c.absent && fs.existsSync(path.join(r.root, c.absent))) bad.push(`${c.absent} was written`);
  if (c.stdoutEmpty && r.stdout !== '') bad.push('stdout is not empty');
  if (c.filenot) {
    const p = path.join(r.root, c.filenot[0]);
    if (!fs.existsSync(p)) bad.push(`${c.filenot[0]} was not written`);
    else if (new RegExp(c.filenot[1], 'm').test(fs.readFileSync(p, 'latin1'))) bad.push(`${c.filenot[0]} matches /${c.filenot[1]}/`);
  }
  return bad;
}

/** A throwaway namespace with LOG rules (and one address to mask) for the firewall options. */
function makeNs(): string {
  const ns = `psadt-opt-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  spawnSync('ip', ['netns', 'add', ns]);
  for (const ipt of ['iptables', 'ip6tables']) {
    spawnSync('ip', ['netns', 'exec', ns, ipt, '-A', 'INPUT', '-j', 'LOG', '--log-prefix', 'DROP ']);
    spawnSync('ip', ['netns', 'exec', ns, ipt, '-A', 'INPUT', '-j', 'DROP']);
  }
  spawnSync('ip', ['netns', 'exec', ns, 'iptables', '-I', 'INPUT', '-s', '198.51.100.23', '-j', 'ACCEPT']);
  return ns;
}

test('the table covers every option the parser knows, and psad -h lists each', () => {
  const tableNames = new Set(TABLE.options.flatMap((c) => c.names.map((n) => n.replace(/^-+/, ''))));
  const help = spawnSync(process.execPath, [PSAD_BIN, '-h'], { encoding: 'latin1' }).stdout;
  for (const o of PSAD_OPTS) {
    for (const n of o.names) {
      assert.ok(tableNames.has(n), `--${n} has no row in test/data/psad-options.json`);
      const shown = n.length === 1 ? new RegExp(`(^|[\\s,(])-${n}[\\s,)]`, 'm') : new RegExp(`--${n.replace(/[-]/g, '\\-')}\\b`);
      assert.match(help, shown, `psad -h does not mention ${n.length === 1 ? '-' : '--'}${n}`);
    }
  }
});

/** psad 2.4.6's IPTables::Parse prefers this binary to iptables whenever it is executable. */
const FIREWALL_CMD = ((f) => { try { fs.accessSync(f, fs.constants.X_OK); return f; } catch { return ''; } })('/usr/bin/firewall-cmd');

for (const c of TABLE.options) {
  const label = c.names.join(', ');
  const needsRoot = c.netns || c.daemon;
  test(`option ${label}`, { skip: SHARED || (needsRoot && !ROOT_USER ? 'needs root (network namespace or daemon)' : false), timeout: 180000 }, async (t) => {
    const v = scratch();
    if (c.e2e) {
      const text = fs.readFileSync(path.join(ROOT, c.e2e), 'utf8');
      assert.ok(c.names.some((n) => text.includes(n.replace(/^-+/, ''))) || c.daemon, `${c.e2e} does not exercise ${label}`);
    }
    if (c.daemon) {
      await daemonCase(c, v);
      return;
    }
    const args = (c.args ?? []).map((a) => fill(a, v));
    const ns = c.netns ? makeNs() : null;
    try {
      // every name of the option (synonyms, short forms, abbreviations) has the same effect
      const primary = args.findIndex((a) => c.names.includes(a));
      const variants = primary >= 0 ? c.names : [c.names[0]];
      for (const name of variants) {
        const a = [...args];
        if (primary >= 0) a[primary] = name;
        const ours = runOne('ours', c, a, v, ns);
        const bad = check(c, ours, v);
        assert.deepEqual(bad, [], `psad-node ${a.join(' ')}:\n${bad.join('\n')}\nstdout: ${ours.stdout.slice(0, 1500)}\nstderr: ${ours.stderr.slice(0, 1500)}`);
      }
      if (!c.ref || needsReference()) return;
      if (c.netns && FIREWALL_CMD) {
        // psad 2.4.6 (IPTables::Parse) drives firewall-cmd whenever it is installed (README, Differences)
        t.diagnostic(`psad 2.4.6 not compared: ${FIREWALL_CMD} is installed, so psad 2.4.6 would drive firewall-cmd, not iptables`);
        return;
      }
      const ref = runOne('reference', c, args, v, ns ? (spawnSync('ip', ['netns', 'delete', ns]), makeNs()) : null);
      const refBad = check(c, ref, v);
      if (c.ref === 'same') {
        assert.deepEqual(refBad, [], `psad 2.4.6 ${args.join(' ')} behaves differently:\n${refBad.join('\n')}\nstdout: ${ref.stdout.slice(0, 800)}\nstderr: ${ref.stderr.slice(0, 800)}`);
      } else {
        const why = c.ref.replace(/^differs:/, '');
        assert.ok(README.includes(why), `the README's differences do not mention "${why}"`);
        assert.notDeepEqual(refBad, [], `psad 2.4.6 does the same for ${args.join(' ')}: the row should say "same"`);
        t.diagnostic(`psad 2.4.6 differs (${why}): ${refBad.join('; ')}`);
      }
    } finally {
      if (ns) spawnSync('ip', ['netns', 'delete', ns]);
      spawnSync('sh', ['-c', `ip netns list | grep -o 'psadt-opt-${process.pid}-[0-9]*' | xargs -r -n1 ip netns delete`]);
    }
  });
}

/** Daemon options: start psad with the option (temporary INSTALL_ROOT, no firewall changes), look, stop it. */
async function daemonCase(c: Case, v: Record<string, string>): Promise<void> {
  const dir = tmpDir('opt-daemon');
  const root = path.join(dir, 'root');
  const ovr = path.join(dir, 'o.conf');
  fs.writeFileSync(path.join(dir, 'messages'), '');
  fs.writeFileSync(ovr, [`INSTALL_ROOT ${root};`, `PSAD_CONF_DIR ${path.join(ROOT, 'etc')};`, 'ALERTING_METHODS noemail,nosyslog;', 'ENABLE_PSADWATCHD N;',
    'ENABLE_SYSLOG_FILE Y;', `IPT_SYSLOG_FILE ${path.join(dir, 'messages')};`, 'CHECK_INTERVAL 1;', 'HOSTNAME opt-daemon;',
    fill(c.conf ?? '', v), ''].join('\n'));
  // the firewall check and auto-blocking, if asked for, happen in a namespace of the test's own
  const ns = makeNs();
  const base = ['ip', 'netns', 'exec', ns, process.execPath, PSAD_BIN, '-c', path.join(ROOT, 'etc', 'psad.conf'), '-O', ovr];
  const args = (c.args ?? []).map((a) => fill(a, v));
  const foreground = args.includes('--debug') || args.includes('--no-daemon');
  const pidFile = path.join(root, 'var/run/psad/psad.pid');
  let stderr = '';
  try {
    const child = spawn(base[0], [...base.slice(1), ...args], { stdio: ['ignore', 'ignore', 'pipe'], detached: false });
    child.stderr!.on('data', (d) => { stderr += d; });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    for (let i = 0; i < 100 && !fs.existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(fs.existsSync(pidFile), `psad ${args.join(' ')} did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 2000));
    if (!foreground) assert.equal(await exited, 0, 'the starting process exits once the daemon runs');
    else assert.equal(child.exitCode, null, 'stays in the foreground');
    if (c.absentAfterStart) assert.ok(!fs.existsSync(path.join(root, c.absentAfterStart)), `${c.absentAfterStart} exists`);
    if (c.stderrAfterStart) assert.match(stderr, new RegExp(c.stderrAfterStart));
    if (c.restart) {
      const before = Number(fs.readFileSync(pidFile, 'latin1'));
      const r = spawnSync(base[0], [...base.slice(1), ...c.names.slice(0, 1)], { encoding: 'latin1', timeout: 60000 });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /Restarting psad daemons/);
      let after = 0;
      for (let i = 0; i < 100; i++) {
        after = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'latin1')) : 0;
        if (after && after !== before) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      assert.ok(after && after !== before, 'a new psad runs after -R');
    }
    if (c.names.includes('--no-fwcheck')) {
      // and without it the check runs
      spawnSync(base[0], [...base.slice(1), '-K']);
      await new Promise((r) => setTimeout(r, 500));
      fs.writeFileSync(ovr, fs.readFileSync(ovr, 'latin1').replace('HOSTNAME', 'ENABLE_FW_LOGGING_CHECK Y;\nHOSTNAME'));
      spawnSync(base[0], [...base.slice(1)], { stdio: 'ignore', timeout: 30000 });
      for (let i = 0; i < 50 && !fs.existsSync(path.join(root, 'var/log/psad/fw_check')); i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(fs.existsSync(path.join(root, 'var/log/psad/fw_check')), 'without --no-fwcheck the firewall check writes FW_CHECK_FILE');
    }
  } finally {
    spawnSync(base[0], [...base.slice(1), '-K'], { stdio: 'ignore', timeout: 30000 });
    try {
      const pid = Number(fs.readFileSync(pidFile, 'latin1'));
      if (pid) process.kill(pid, 'SIGKILL');
    } catch { /* stopped */ }
    spawnSync('ip', ['netns', 'delete', ns]);
  }
}

test('bad values: the reference\'s message or a clearer one, exit 1, nothing written', { skip: SHARED }, () => {
  const v = scratch();
  const cases: [string[], RegExp][] = [
    [['--status-dl', 'six'], /Value "six" invalid for option status-dl \(number expected\)/],
    [['-A', '-m', v.log, '--packets', '-5'], /The --packets argument must not be negative/],
    [['-A', '-m', v.log, '--packets'], /Option packets requires an argument/],
    [['--status-ip', 'nowhere'], /The --status-ip argument accepts an IP address or network/],
    [['-A', '-m', v.log, '--restrict-ip', '10.1.2'], /The --restrict-ip argument accepts an IP address or network/],
    [['--fw-block-ip', '1.2.3.4; reboot'], /The --fw-block-ip argument accepts an IP address or network/],
    [['--no-such-option'], /Unknown option: no-such-option/],
    [['--st', 'x'], /Option st is ambiguous \(status-dl, status-ip, status-summary, stdin\)/],
    [['-g'], /Option g is ambiguous/],
    [['-I', 'soon'], /Value "soon" invalid for option Interval/],
    [['--CSV', '-m', v.log, '--CSV-max-lines', '-1'], /The --CSV-max-lines argument must not be negative/],
  ];
  for (const [args, re] of cases) {
    const dir = tmpDir('opt-bad');
    const ovr = path.join(dir, 'o.conf');
    fs.writeFileSync(ovr, `INSTALL_ROOT ${dir}/root;\nPSAD_CONF_DIR ${path.join(ROOT, 'etc')};\nENABLE_AUTO_IDS Y;\n`);
    const r = spawnSync(process.execPath, [PSAD_BIN, '-c', path.join(ROOT, 'etc', 'psad.conf'), '-O', ovr, ...args], { encoding: 'latin1' });
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
    assert.ok(!fs.existsSync(path.join(dir, 'root')), `${args.join(' ')} wrote files`);
  }
});

test('kmsgsd and psadwatchd: every option of their man pages', () => {
  for (const prog of ['kmsgsd', 'psadwatchd']) {
    const bin = path.join(ROOT, 'bin', prog);
    const h = spawnSync(bin, ['-h'], { encoding: 'latin1' });
    assert.equal(h.status, 0);
    for (const o of ['-c', '-O', '-D', '-h', '-V']) assert.match(h.stdout, new RegExp(`^\\s+${o}\\b`, 'm'), `${prog} -h lists ${o}`);
    const ver = spawnSync(bin, ['-V'], { encoding: 'latin1' });
    assert.match(ver.stdout, /2\.4\.6/);
    const dir = tmpDir(`opt-${prog}`);
    const ovr = path.join(dir, 'o.conf');
    fs.writeFileSync(ovr, `INSTALL_ROOT ${dir}/root;\nPSAD_CONF_DIR ${path.join(ROOT, 'etc')};\nHOSTNAME ${prog}-opt;\n`);
    const d = spawnSync(bin, ['-c', path.join(ROOT, 'etc', 'psad.conf'), '-O', ovr, '-D'], { encoding: 'latin1' });
    assert.equal(d.status, 0, d.stderr);
    assert.match(d.stdout + d.stderr, new RegExp(dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), `${prog} -D shows the -O values`);
    const bad = spawnSync(bin, ['-Z'], { encoding: 'latin1' });
    assert.notEqual(bad.status, 0);
    const missing = spawnSync(bin, ['-c', path.join(dir, 'nope.conf'), '-D'], { encoding: 'latin1' });
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /nope\.conf/);
  }
});
