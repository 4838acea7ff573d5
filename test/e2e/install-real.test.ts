import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, tmpDir } from '../helpers/paths';

/**
 * npm run install-system for real, on a copy of this machine: a mount
 * namespace with an overlay over / (writes go to a tmpfs that vanishes with
 * the namespace), chrooted into. There Debian's psad package is installed
 * (this machine's), install-system diverts its files with the real
 * dpkg-divert, a reinstall of the psad .deb (what apt upgrade does) leaves
 * psad-node in place, and uninstall-system brings Debian's psad back as
 * dpkg -V checks it. The machine's own files and dpkg state are not touched.
 */
const ROOT_USER = process.getuid?.() === 0;
const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const debianPsad = () => spawnSync('dpkg-query', ['-W', '-f', '${Status}', 'psad'], { encoding: 'utf8' }).stdout === 'install ok installed';
const skip = !ROOT_USER ? 'needs root (mount namespace, overlay, chroot)'
  : !have('unshare') || !have('dpkg-divert') ? 'needs unshare and dpkg-divert (Debian)'
    : !debianPsad() ? "Debian's psad package is not installed (apt-get install psad)" : false;

/** The psad .deb for the reinstall step: apt's cache, else apt-get download; null when neither has it. */
function psadDeb(dir: string): string | null {
  const cache = '/var/cache/apt/archives';
  const version = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'psad'], { encoding: 'utf8' }).stdout;
  const name = `psad_${version.replace(/^\d+:/, '')}_amd64.deb`;
  if (fs.existsSync(path.join(cache, name))) return path.join(cache, name);
  spawnSync('apt-get', ['download', `psad=${version}`], { cwd: dir, stdio: 'ignore', timeout: 120000 });
  const got = fs.readdirSync(dir).find((f) => /^psad_.*\.deb$/.test(f));
  return got ? path.join(dir, got) : null;
}

const STEPS = String.raw`
set -u
step() { echo "== $1"; }
sums() { for f in "$@"; do if [ -f "$f" ] && [ ! -L "$f" ]; then sha256sum "$f"; else echo "- $f"; fi; done; }
FILES="/usr/sbin/psad /usr/sbin/kmsgsd /usr/sbin/psadwatchd /etc/init.d/psad /lib/systemd/system/psad.service /usr/share/man/man8/psad.8.gz"
cd "$ROOTDIR"
step before; sums $FILES; dpkg-divert --list | grep 'by psad-node' || true
step install; npm run --silent install-system; echo "status $?"
step diverted; dpkg-divert --list | grep 'by psad-node' | sort
step links; readlink /usr/sbin/psad /usr/sbin/kmsgsd /usr/sbin/psadwatchd
step distrib; sums /usr/sbin/psad.distrib /usr/sbin/kmsgsd.distrib /usr/sbin/psadwatchd.distrib /etc/init.d/psad.distrib /lib/systemd/system/psad.service.distrib /usr/share/man/man8/psad.distrib.8.gz
step ours; sums /etc/init.d/psad /lib/systemd/system/psad.service
step dpkgS; dpkg -S /usr/sbin/psad
step version; /usr/sbin/psad -V
step man; man -l /usr/share/man/man8/psad.8.gz 2>&1 | head -n 4
step logrotate; logrotate -d -s /tmp/lr.state /etc/logrotate.d/psad >/dev/null 2>&1; echo "status $?"
step etcmode; stat -c '%a' /etc/psad
if [ -n "$DEB" ]; then
  step reinstall; dpkg -i "$DEB" >/dev/null 2>&1; echo "status $?"
  step afterupgrade; readlink /usr/sbin/psad; /usr/sbin/psad -V; sums /etc/init.d/psad /usr/sbin/psad.distrib
fi
step uninstall; npm run --silent uninstall-system; echo "status $?"
step after; sums $FILES; dpkg-divert --list | grep 'by psad-node' || true
step verify; dpkg -V psad; echo "status $?"
`;

/** Runs the steps in a throwaway root; returns the output of each step. */
function inThrowawayRoot(deb: string | null, base: string): Map<string, string> {
  const script = String.raw`
set -eu
B=$1
mount -t tmpfs tmpfs "$B"
mkdir "$B/upper" "$B/work" "$B/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$B/upper,workdir=$B/work" "$B/root"
for d in proc dev sys; do mount --rbind "/$d" "$B/root/$d"; done
# no service is started in the chroot (dpkg's maintainer scripts ask policy-rc.d)
printf '#!/bin/sh\nexit 101\n' > "$B/root/usr/sbin/policy-rc.d"
chmod 755 "$B/root/usr/sbin/policy-rc.d"
[ -z "$DEB" ] || { cp "$DEB" "$B/root/tmp/psad.deb"; DEB=/tmp/psad.deb; }
DEB="$DEB" ROOTDIR="$ROOTDIR" chroot "$B/root" sh -c "$2"
`;
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, 'sh', base, STEPS], {
    encoding: 'utf8', env: { ...process.env, DEB: deb ?? '', ROOTDIR: ROOT }, timeout: 300000,
  });
  assert.equal(r.status, 0, r.stderr);
  const out = new Map<string, string>();
  for (const part of r.stdout.split(/^== /m).slice(1)) {
    const nl = part.indexOf('\n');
    out.set(part.slice(0, nl), part.slice(nl + 1));
  }
  return out;
}

test('install-system for real beside Debian\'s psad: diverted, kept through a reinstall of the .deb, restored by uninstall-system', { skip, timeout: 400000 }, (t) => {
  const dir = tmpDir('real-install');
  const base = path.join(dir, 'ovl');
  fs.mkdirSync(base);
  const hostBefore = spawnSync('dpkg-divert', ['--list'], { encoding: 'utf8' }).stdout;
  const deb = psadDeb(dir);
  if (!deb) t.diagnostic('no psad .deb in the apt cache and apt-get download failed: the reinstall step is left out');
  let s: Map<string, string>;
  try {
    s = inThrowawayRoot(deb, base);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const lines = (k: string) => (s.get(k) ?? '').split('\n').filter((l) => l);
  const hashOf = (k: string, file: string) => lines(k).find((l) => l.endsWith(`  ${file}`))?.split(' ')[0];

  // before: Debian's files, no diversion
  const debianPsadHash = hashOf('before', '/usr/sbin/psad');
  assert.ok(debianPsadHash, s.get('before'));
  assert.ok(!/by psad-node/.test(s.get('before')!));
  // installed: each of Debian's files diverted by the real dpkg-divert, ours in place
  assert.match(s.get('install')!, /status 0/);
  assert.deepEqual(lines('diverted').map((l) => l.replace(/^diversion of (\S+) to .*$/, '$1')).sort(), [
    '/etc/init.d/psad', '/lib/systemd/system/psad.service', '/usr/sbin/kmsgsd', '/usr/sbin/psad', '/usr/sbin/psadwatchd',
    '/usr/share/man/man8/kmsgsd.8.gz', '/usr/share/man/man8/psad.8.gz', '/usr/share/man/man8/psadwatchd.8.gz',
  ]);
  assert.deepEqual(lines('links'), ['/usr/lib/psad-node/bin/psad', '/usr/lib/psad-node/bin/kmsgsd', '/usr/lib/psad-node/bin/psadwatchd']);
  assert.equal(hashOf('distrib', '/usr/sbin/psad.distrib'), debianPsadHash);
  assert.equal(hashOf('distrib', '/etc/init.d/psad.distrib'), hashOf('before', '/etc/init.d/psad'));
  const sha = (f: string) => spawnSync('sha256sum', [path.join(ROOT, f)], { encoding: 'utf8' }).stdout.split(' ')[0];
  assert.equal(hashOf('ours', '/etc/init.d/psad'), sha('init.d/psad'));
  assert.equal(hashOf('ours', '/lib/systemd/system/psad.service'), sha('init.d/psad.service'));
  assert.match(s.get('dpkgS')!, /^diversion by psad-node from: \/usr\/sbin\/psad$/m);
  assert.match(s.get('version')!, /Node\.js port/);
  assert.match(s.get('man')!, /PSAD\(8\)[\s\S]*the Port Scan Attack Detector \(Node\.js port/);
  assert.match(s.get('logrotate')!, /status 0/);
  assert.equal(lines('etcmode')[0], spawnSync('stat', ['-c', '%a', '/etc/psad'], { encoding: 'utf8' }).stdout.trim(), '/etc/psad changed its mode');
  // what apt upgrade does: the package's files go beside ours
  if (deb) {
    assert.match(s.get('reinstall')!, /status 0/);
    assert.deepEqual(lines('afterupgrade').slice(0, 1), ['/usr/lib/psad-node/bin/psad']);
    assert.match(s.get('afterupgrade')!, /Node\.js port/);
    assert.equal(hashOf('afterupgrade', '/etc/init.d/psad'), sha('init.d/psad'));
    assert.equal(hashOf('afterupgrade', '/usr/sbin/psad.distrib'), debianPsadHash);
  }
  // uninstalled: Debian's psad as dpkg installed it
  assert.match(s.get('uninstall')!, /status 0/);
  assert.deepEqual(lines('after'), lines('before'));
  assert.equal(s.get('verify'), 'status 0\n', `dpkg -V psad: ${s.get('verify')}`);
  // and this machine was not touched
  assert.equal(spawnSync('dpkg-divert', ['--list'], { encoding: 'utf8' }).stdout, hostBefore);
  assert.ok(!fs.existsSync('/var/lib/psad-node'));
});
