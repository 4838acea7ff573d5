import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, tmpDir } from '../helpers/paths';
import { readPid, pidAlive } from '../../src/daemon/pidfile';

/**
 * init.d/psad as an administrator uses it, with a config typo made while
 * psad runs: stop still stops the daemons (by their pid files), start and
 * restart say "failed." and exit 1 when psad does not start. The daemons
 * read a log file (ENABLE_SYSLOG_FILE Y): no namespace and no kernel log.
 */
const ROOT_USER = process.getuid?.() === 0;

interface Setup {
  root: string;
  ovr: string;
  good: string;
  defaults: string;
}

function setUp(): Setup {
  const dir = tmpDir('initd');
  const root = path.join(dir, 'root');
  fs.mkdirSync(path.join(root, 'var/log'), { recursive: true });
  fs.writeFileSync(path.join(root, 'var/log/kern.log'), '');
  const ovr = path.join(dir, 'local.conf');
  const good = [
    `INSTALL_ROOT ${root};`,
    `PSAD_CONF_DIR ${path.join(ROOT, 'etc')};`,
    'ENABLE_SYSLOG_FILE Y;',
    `IPT_SYSLOG_FILE ${root}/var/log/kern.log;`,
    'ENABLE_PSADWATCHD Y;',
    'PSADWATCHD_CHECK_INTERVAL 1;',
    'CHECK_INTERVAL 1;',
    'ENABLE_FW_LOGGING_CHECK N;',
    'AUTO_DETECT_JOURNALCTL N;',
    'ALERTING_METHODS noemail;',
    `SYSLOG_SOCKET ${dir}/no-syslog;`,
    'ENABLE_WHOIS_LOOKUPS N;',
    'ENABLE_DNS_LOOKUPS N;',
    'HOSTNAME initd-e2e;',
    '',
  ].join('\n');
  fs.writeFileSync(ovr, good);
  const defaults = path.join(dir, 'default-psad');
  fs.writeFileSync(defaults, [
    `DAEMON=${path.join(ROOT, 'bin', 'psad')}`,
    `CONFIG=${path.join(ROOT, 'etc', 'psad.conf')}`,
    `DAEMON_ARGS="-O ${ovr}"`,
    `RUN_DIR=${root}/var/run/psad`,
    '',
  ].join('\n'));
  return { root, ovr, good, defaults };
}

function initd(s: Setup, action: string) {
  const r = spawnSync(path.join(ROOT, 'init.d', 'psad'), [action], {
    encoding: 'latin1', env: { ...process.env, PSAD_DEFAULTS: s.defaults }, timeout: 120000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const pid = (s: Setup, name: string) => readPid(path.join(s.root, 'var/run/psad', `${name}.pid`));
const alive = (p: number | null) => p !== null && p > 0 && pidAlive(p);
/** A typo as the first line of the -O file (the first definition wins). */
const breakConfig = (s: Setup) => fs.writeFileSync(s.ovr, `ENABLE_AUTO_IDS yes;\n${s.good}`);
const fixConfig = (s: Setup) => fs.writeFileSync(s.ovr, s.good);

async function gone(pids: (number | null)[]): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (!pids.some(alive)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

test('init.d/psad: stop after a config typo, start and restart fail with exit 1, -K removes psad.cmd', { skip: !ROOT_USER && 'needs root (psad runs as a daemon)', timeout: 300000 }, async () => {
  const s = setUp();
  try {
    let r = initd(s, 'start');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, 'Starting Port Scan Attack Detector: psad.\n');
    const first = pid(s, 'psad');
    assert.ok(alive(first), 'psad is not running');
    for (let i = 0; i < 50 && !alive(pid(s, 'psadwatchd')); i++) await new Promise((res) => setTimeout(res, 100));
    const watchd = pid(s, 'psadwatchd');
    assert.ok(alive(watchd), 'psadwatchd is not running');

    // the admin makes a typo while psad runs; stop still stops everything
    breakConfig(s);
    r = initd(s, 'stop');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, `Stopping Port Scan Attack Detector: psad (by the pid files in ${s.root}/var/run/psad).\n`);
    assert.match(r.stderr, /ENABLE_AUTO_IDS variable must be 'Y' or 'N' \(.*local\.conf line 1: "yes"\)/);
    assert.ok(await gone([first, watchd]), 'a daemon is still running after stop');

    // start with the typo: psad does not start, the script says so
    r = initd(s, 'start');
    assert.equal(r.status, 1);
    assert.equal(r.stdout, 'Starting Port Scan Attack Detector: failed.\n');
    assert.match(r.stderr, /ENABLE_AUTO_IDS variable must be 'Y' or 'N'/);
    assert.ok(!alive(pid(s, 'psad')));

    // fixed: start, restart gives a new psad
    fixConfig(s);
    r = initd(s, 'start');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const second = pid(s, 'psad');
    r = initd(s, 'restart');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const third = pid(s, 'psad');
    assert.ok(alive(third) && third !== second, 'restart did not start a new psad');
    assert.ok(await gone([second]));

    // restart after a typo: the old psad is stopped, the new one cannot start: exit 1
    breakConfig(s);
    r = initd(s, 'restart');
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /Stopping Port Scan Attack Detector: psad \(by the pid files in .*\)\.\nStarting Port Scan Attack Detector: failed\.\n$/);
    assert.ok(await gone([third, pid(s, 'psadwatchd')]));

    // psad -K leaves no psad.cmd behind
    fixConfig(s);
    r = initd(s, 'start');
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const cmd = path.join(s.root, 'var/run/psad/psad.cmd');
    assert.ok(fs.existsSync(cmd));
    const k = spawnSync(path.join(ROOT, 'bin', 'psad'), ['-c', path.join(ROOT, 'etc', 'psad.conf'), '-O', s.ovr, '-K'], { encoding: 'latin1' });
    assert.equal(k.status, 0, k.stderr);
    assert.ok(!fs.existsSync(cmd), 'psad.cmd is still there after -K');
    // stop when nothing runs: LSB says 0
    r = initd(s, 'stop');
    assert.equal(r.status, 0, r.stdout + r.stderr);
  } finally {
    fixConfig(s);
    initd(s, 'stop');
    for (const n of ['psadwatchd', 'kmsgsd', 'psad']) {
      const p = pid(s, n);
      if (alive(p)) try { process.kill(p!, 'SIGKILL'); } catch { /* gone */ }
    }
  }
});
