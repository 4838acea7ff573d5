import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { ROOT, tmpDir } from '../helpers/paths';
import { fifoConfLine } from '../../src/daemon/syslog-conf';

/**
 * npm run install-system / uninstall-system into a staged root (DESTDIR)
 * that holds Debian's psad package: its files and its entry in a dpkg
 * database of the stage, which the real dpkg-divert and dpkg-query of this
 * machine work on (--root). The files are this machine's own when Debian's
 * psad is installed here, else stand-ins at the same paths.
 */
const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const DPKG = have('dpkg-divert') && have('dpkg-query');
const SKIP = !DPKG && 'dpkg-divert and dpkg-query are not installed (not a Debian system)';

/** Debian's psad package files that psad-node replaces. */
const REPLACED = [
  '/usr/sbin/psad', '/usr/sbin/kmsgsd', '/usr/sbin/psadwatchd', '/etc/init.d/psad', '/lib/systemd/system/psad.service',
  '/usr/share/man/man8/psad.8.gz', '/usr/share/man/man8/kmsgsd.8.gz', '/usr/share/man/man8/psadwatchd.8.gz',
];
const DATA = ['signatures', 'auto_dl', 'icmp_types', 'icmp6_types', 'ip_options', 'posf', 'pf.os', 'protocols', 'snort_rule_dl'];

/** Debian's psad is installed and its files are there to copy (scripts/test-alone.sh hides them: stand-ins then). */
function debianPsadInstalled(): boolean {
  if (spawnSync('dpkg-query', ['-W', '-f', '${Status}', 'psad'], { encoding: 'utf8' }).stdout !== 'install ok installed') return false;
  return spawnSync('dpkg-query', ['-L', 'psad'], { encoding: 'utf8' }).stdout.split('\n').filter((x) => x).every((p) => fs.existsSync(p));
}

/** A root holding Debian's psad: files, /var/lib/dpkg/status and info/psad.list. */
function seedStage(stage: string): void {
  const list: string[] = [];
  const file = (p: string, content: Buffer | string, mode: number) => {
    fs.mkdirSync(path.dirname(stage + p), { recursive: true });
    fs.writeFileSync(stage + p, content, { mode });
    fs.chmodSync(stage + p, mode);
  };
  if (debianPsadInstalled()) {
    for (const p of spawnSync('dpkg-query', ['-L', 'psad'], { encoding: 'utf8' }).stdout.split('\n').filter((x) => x)) {
      list.push(p);
      const st = fs.lstatSync(p);
      if (st.isDirectory()) {
        fs.mkdirSync(stage + p, { recursive: true });
        fs.chmodSync(stage + p, st.mode & 0o7777);
      } else if (st.isFile()) file(p, fs.readFileSync(p), st.mode & 0o7777);
    }
    fs.mkdirSync(`${stage}/var/lib/dpkg/info`, { recursive: true });
    fs.writeFileSync(`${stage}/var/lib/dpkg/status`, spawnSync('dpkg-query', ['-s', 'psad'], { encoding: 'utf8' }).stdout);
  } else {
    // stand-ins: programs and pages with a marker, data files that differ from the project's only in comments,
    // a psad.conf without this port's variables
    for (const p of REPLACED) file(p, p.endsWith('.gz') ? zlib.gzipSync(`.TH DEBIAN-PSAD 8\n`) : `#!/bin/sh\n# Debian psad 2.4.6: ${p}\n`, 0o755);
    file('/etc/default/psad', 'DAEMON_ARGS=""\n', 0o644);
    for (const f of DATA) file(`/etc/psad/${f}`, `# Debian's comment\n${fs.readFileSync(path.join(ROOT, 'etc', f), 'latin1')}`, 0o644);
    const conf = fs.readFileSync(path.join(ROOT, 'etc', 'psad.conf'), 'latin1').split('\n').filter((l) => !/^(SMTP_|FW_BACKEND|nftCmd)/.test(l));
    file('/etc/psad/psad.conf', conf.join('\n'), 0o644);
    for (const d of ['/etc/psad', '/var/log/psad', '/var/lib/psad']) {
      fs.mkdirSync(stage + d, { recursive: true });
      fs.chmodSync(stage + d, 0o755);
    }
    list.push(...REPLACED, '/etc/default/psad', '/etc/psad/psad.conf', ...DATA.map((f) => `/etc/psad/${f}`));
    fs.mkdirSync(`${stage}/var/lib/dpkg/info`, { recursive: true });
    fs.writeFileSync(`${stage}/var/lib/dpkg/status`, 'Package: psad\nStatus: install ok installed\nVersion: 2.4.6-3\nArchitecture: amd64\n' +
      'Maintainer: nobody <nobody@example.org>\nDescription: stand-in\n');
  }
  fs.writeFileSync(`${stage}/var/lib/dpkg/info/psad.list`, `${list.join('\n')}\n`);
  fs.writeFileSync(`${stage}/var/lib/dpkg/diversions`, '');
  fs.mkdirSync(`${stage}/lib/systemd/system`, { recursive: true });
}

/** path -> type, mode and content hash of every entry under a root. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    const st = fs.lstatSync(root + rel);
    let what = `${(st.mode & 0o170000).toString(8)} ${(st.mode & 0o7777).toString(8)}`;
    if (st.isFile()) what += ` ${crypto.createHash('sha256').update(fs.readFileSync(root + rel)).digest('hex')}`;
    if (st.isSymbolicLink()) what += ` -> ${fs.readlinkSync(root + rel)}`;
    out.set(rel || '/', what);
    if (st.isDirectory()) for (const n of fs.readdirSync(root + rel).sort()) walk(`${rel}/${n}`);
  };
  walk('');
  return out;
}

function npmRun(script: string, stage: string) {
  const r = spawnSync('npm', ['run', '--silent', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DESTDIR: stage } });
  assert.equal(r.status, 0, `npm run ${script}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

const read = (p: string) => fs.readFileSync(p);
const divertList = (stage: string) => spawnSync('dpkg-divert', [`--root=${stage}`, '--list'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l).sort();

test('install-system beside Debian\'s psad in a staged root: diverted, kept, restored by uninstall-system', { skip: SKIP }, () => {
  const stage = path.join(tmpDir('stage'), 'root');
  fs.mkdirSync(stage);
  seedStage(stage);
  const before = snapshot(stage);
  const debian = new Map(REPLACED.map((p) => [p, read(stage + p)]));
  const debianConf = read(`${stage}/etc/psad/psad.conf`);

  const out = npmRun('install-system', stage);
  assert.match(out, /psad-node installed under /);

  // every replaced file: moved aside by dpkg-divert (package psad-node), ours in its place
  const expectedDiversions = REPLACED.map((p) => {
    const to = p.endsWith('.8.gz') ? p.replace(/\.8\.gz$/, '.distrib.8.gz') : `${p}.distrib`;
    return `diversion of ${p} to ${to} by psad-node`;
  }).sort();
  assert.deepEqual(divertList(stage), expectedDiversions);
  for (const p of REPLACED) {
    const to = p.endsWith('.8.gz') ? p.replace(/\.8\.gz$/, '.distrib.8.gz') : `${p}.distrib`;
    assert.deepEqual(read(stage + to), debian.get(p), `${to} holds Debian's file`);
    const q = spawnSync('dpkg-query', [`--root=${stage}`, '-S', p], { encoding: 'utf8' }).stdout;
    assert.match(q, new RegExp(`^diversion by psad-node from: ${p}$`, 'm'));
  }
  for (const p of ['psad', 'kmsgsd', 'psadwatchd']) assert.equal(fs.readlinkSync(`${stage}/usr/sbin/${p}`), `/usr/lib/psad-node/bin/${p}`);
  assert.deepEqual(read(`${stage}/etc/init.d/psad`), read(path.join(ROOT, 'init.d/psad')));
  assert.deepEqual(read(`${stage}/lib/systemd/system/psad.service`), read(path.join(ROOT, 'init.d/psad.service')));
  assert.equal(zlib.gunzipSync(read(`${stage}/usr/share/man/man8/psad.8.gz`)).toString(), fs.readFileSync(path.join(ROOT, 'man/psad.8'), 'utf8'));

  // the installed program runs from the stage
  const v = spawnSync(process.execPath, [`${stage}/usr/lib/psad-node/bin/psad`, '-V'], { encoding: 'utf8' });
  assert.match(v.stdout, /psad v2\.4\.6 .*Node\.js port/);
  assert.ok(!fs.existsSync(`${stage}/usr/lib/psad-node/dist/test`), 'tests installed');

  // configuration: kept as it was (file and directory modes too); *.new only where the settings differ
  assert.deepEqual(read(`${stage}/etc/psad/psad.conf`), debianConf);
  assert.equal(before.get('/etc/psad'), snapshot(stage).get('/etc/psad'), '/etc/psad changed');
  assert.deepEqual(read(`${stage}/etc/psad/psad.conf.new`), read(path.join(ROOT, 'etc/psad.conf')));
  for (const f of DATA) assert.ok(!fs.existsSync(`${stage}/etc/psad/${f}.new`), `${f}.new written though only comments differ`);
  for (const d of ['/var/log/psad', '/var/lib/psad', '/etc/default/psad']) assert.equal(snapshot(stage).get(d), before.get(d), `${d} changed`);
  assert.ok(fs.statSync(`${stage}/var/lib/psad/psadfifo`).isFIFO());

  // logrotate and the rsyslog snippet
  const lr = `${stage}/etc/logrotate.d/psad`;
  assert.ok(fs.existsSync(lr));
  if (have('logrotate')) {
    const r = spawnSync('logrotate', ['-d', '-s', path.join(path.dirname(stage), 'lr.state'), lr], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /^error:/m);
    assert.match(r.stdout + r.stderr, /considering log \/var\/log\/psad\/fwdata/);
  }
  const rs = `${stage}/etc/rsyslog.d/psad.conf.disabled`;
  // the snippet is the line psad itself would add to rsyslog.conf
  const snippet = fs.readFileSync(rs, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  assert.deepEqual(snippet, [fifoConfLine('rsyslogd', '/var/lib/psad/psadfifo').replace(/\t+/, ' ')]);
  if (have('rsyslogd')) {
    const main = path.join(path.dirname(stage), 'rsyslog.conf');
    fs.writeFileSync(main, `$IncludeConfig ${rs}\n`);
    const r = spawnSync('rsyslogd', ['-N1', '-f', main], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  if (have('man')) {
    const r = spawnSync('man', ['-l', `${stage}/usr/share/man/man8/kmsgsd.8.gz`], { encoding: 'utf8' });
    assert.match(r.stdout, /^KMSGSD\(8\)/m);
  }

  // installing again changes nothing
  const once = snapshot(stage);
  npmRun('install-system', stage);
  const twice = snapshot(stage);
  assert.deepEqual([...twice.keys()].filter((k) => !once.has(k)), []);
  assert.deepEqual(divertList(stage), expectedDiversions);

  // uninstall: Debian's files are back where they were, nothing of ours is left
  const un = npmRun('uninstall-system', stage);
  assert.match(un, /psad-node removed/);
  assert.deepEqual(divertList(stage), []);
  const after = snapshot(stage);
  const ignore = new Set(['/var/lib/psad/psadfifo', '/var/lib/dpkg/diversions-old', '/var/lib/dpkg/lock', '/var/lib/dpkg/lock-frontend']);
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((k) => !ignore.has(k) && before.get(k) !== after.get(k));
  assert.deepEqual(changed, []);
});

test('install-system on a root without psad: fresh config, and uninstall keeps it', { skip: SKIP }, () => {
  const stage = path.join(tmpDir('stage'), 'root');
  fs.mkdirSync(`${stage}/var/lib/dpkg`, { recursive: true });
  fs.writeFileSync(`${stage}/var/lib/dpkg/status`, '');
  npmRun('install-system', stage);
  assert.deepEqual(divertList(stage), []);
  assert.equal(fs.statSync(`${stage}/etc/psad`).mode & 0o777, 0o755);
  assert.equal(fs.statSync(`${stage}/etc/psad/psad.conf`).mode & 0o777, 0o600);
  assert.deepEqual(read(`${stage}/etc/psad/psad.conf`), read(path.join(ROOT, 'etc/psad.conf')));
  assert.ok(!fs.existsSync(`${stage}/etc/psad/psad.conf.new`));
  assert.equal(fs.readlinkSync(`${stage}/usr/sbin/psad`), '/usr/lib/psad-node/bin/psad');
  npmRun('uninstall-system', stage);
  assert.ok(!fs.existsSync(`${stage}/usr/sbin/psad`));
  assert.ok(!fs.existsSync(`${stage}/usr/lib/psad-node`));
  assert.ok(!fs.existsSync(`${stage}/etc/init.d/psad`));
  assert.ok(fs.existsSync(`${stage}/etc/psad/psad.conf`), 'the configuration is kept');
});

test('install-system keeps a file no package owns as *.psad-node-saved and puts it back', { skip: SKIP }, () => {
  const stage = path.join(tmpDir('stage'), 'root');
  fs.mkdirSync(`${stage}/var/lib/dpkg`, { recursive: true });
  fs.writeFileSync(`${stage}/var/lib/dpkg/status`, '');
  fs.mkdirSync(`${stage}/etc/logrotate.d`, { recursive: true });
  fs.writeFileSync(`${stage}/etc/logrotate.d/psad`, '# the admin\'s own\n');
  npmRun('install-system', stage);
  assert.equal(fs.readFileSync(`${stage}/etc/logrotate.d/psad.psad-node-saved`, 'utf8'), '# the admin\'s own\n');
  npmRun('uninstall-system', stage);
  assert.equal(fs.readFileSync(`${stage}/etc/logrotate.d/psad`, 'utf8'), '# the admin\'s own\n');
  assert.ok(!fs.existsSync(`${stage}/etc/logrotate.d/psad.psad-node-saved`));
});
