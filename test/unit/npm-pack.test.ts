import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, tmpDir } from '../helpers/paths';

/**
 * npm pack, then npm install -g of the tarball into an empty prefix, used
 * from a directory that is not the checkout: psad -V and psad -A on a real
 * scan log work, and the tarball holds the program, its files and nothing
 * of the tests or benchmarks. The pack runs in a copy of the checkout (its
 * prepack rebuilds dist/, which the running tests use here).
 */
const EXCLUDE = new Set(['node_modules', 'dist', 'man', '.git', 'run', 'tmp']);

function copyCheckout(to: string): void {
  fs.cpSync(ROOT, to, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(ROOT, src);
      return rel === '' || !EXCLUDE.has(rel.split(path.sep)[0]);
    },
  });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(to, 'node_modules'));
}

function npm(args: string[], cwd: string) {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' }, timeout: 300000 });
  assert.equal(r.status, 0, `npm ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

test('npm pack -> npm install -g into an empty prefix -> psad -V and psad -A work; no tests or benchmarks in the tarball', { timeout: 400000 }, () => {
  const dir = tmpDir('pack');
  const src = path.join(dir, 'checkout');
  copyCheckout(src);
  const out = path.join(dir, 'out');
  fs.mkdirSync(out);
  const tgz = npm(['pack', '--silent', '--pack-destination', out], src).trim().split('\n').pop()!;
  const tarball = path.join(out, tgz);
  assert.match(tgz, /^psad-node-.*\.tgz$/);

  const list = spawnSync('tar', ['tzf', tarball], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l).map((l) => l.replace(/^package\//, '')).sort();
  const top = [...new Set(list.map((l) => (l.includes('/') ? `${l.split('/')[0]}/` : l)))].sort();
  assert.deepEqual(top, ['LICENSE', 'README.md', 'bin/', 'dist/', 'etc/', 'init.d/', 'man/', 'package.json']);
  assert.deepEqual(list.filter((l) => /(^|\/)(test|bench|\.ci)(\/|$)|\.test\.js$/.test(l)), []);
  for (const f of ['dist/src/cli/psad.js', 'bin/psad', 'bin/kmsgsd', 'bin/psadwatchd', 'etc/psad.conf', 'etc/signatures', 'init.d/psad',
    'init.d/psad.service', 'man/psad.8', 'man/kmsgsd.8', 'man/psadwatchd.8', 'etc/logrotate.d/psad', 'etc/rsyslog.d/psad.conf']) {
    assert.ok(list.includes(f), `${f} is not in the tarball`);
  }

  // install from the tarball alone (the copy of the checkout is gone), use it from elsewhere
  fs.rmSync(src, { recursive: true, force: true });
  const prefix = path.join(dir, 'prefix');
  fs.mkdirSync(prefix);
  npm(['install', '-g', '--prefer-offline', '--prefix', prefix, tarball], out);
  const psad = path.join(prefix, 'bin', 'psad');
  const pkg = path.join(prefix, 'lib', 'node_modules', 'psad-node');
  assert.ok(fs.realpathSync(psad).startsWith(fs.realpathSync(prefix)), 'psad is not the installed one');
  const work = path.join(dir, 'elsewhere');
  fs.mkdirSync(work);
  const v = spawnSync(psad, ['-V'], { cwd: work, encoding: 'utf8' });
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /^\[\+\] psad v2\.4\.6 by Michael Rash <mbr@cipherdyne\.org> \(Node\.js port\)\n$/);
  for (const helper of ['kmsgsd', 'psadwatchd']) {
    const h = spawnSync(path.join(prefix, 'bin', helper), ['-V'], { cwd: work, encoding: 'utf8' });
    assert.match(h.stdout, /2\.4\.6/, `${helper} -V: ${h.stderr}`);
  }

  // -A on a real scan log, with the package's own psad.conf and data files
  const ovr = path.join(work, 'paths.conf');
  fs.writeFileSync(ovr, `INSTALL_ROOT ${work}/root;\nPSAD_CONF_DIR ${pkg}/etc;\n`);
  const a = spawnSync(psad, ['-c', path.join(pkg, 'etc', 'psad.conf'), '-O', ovr, '-A', '-m', path.join(ROOT, 'examples', 'nmap-scans.log'), '--no-rdns', '--no-whois'],
    { cwd: work, encoding: 'latin1', maxBuffer: 64 << 20 });
  assert.equal(a.status, 0, a.stderr);
  assert.equal(a.stderr, '');
  assert.match(a.stdout, /\[\+\] Found 4864 iptables log messages out of 4864 total lines\./);
  assert.match(a.stdout, /SRC: {2}\d+\.\d+\.\d+\.\d+, DL: \d/);
  assert.match(a.stdout, /\[\+\] Finished --Analyze cycle\./);
  const h = spawnSync('man', ['-l', path.join(pkg, 'man', 'psad.8')], { encoding: 'utf8' });
  if (h.status === 0) assert.match(h.stdout, /^PSAD\(8\)/m);
});
