import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { REFERENCE, ROOT, tmpDir } from '../helpers/paths';
import { runPsad } from '../helpers/run';
import { referenceInstalled, runReference } from '../helpers/reference';

/**
 * Every psad 2.4.6 config that psad 2.4.6 loads still loads, without a
 * warning: the upstream ones and the one Debian's package installed. Files
 * that are overrides (no EMAIL_ADDRESSES) are loaded with -O over the
 * project's psad.conf, as psad's own test suite uses them.
 */
const CONF = path.join(ROOT, 'etc', 'psad.conf');

function configs(): string[] {
  const out: string[] = [];
  if (fs.existsSync(REFERENCE)) {
    out.push(path.join(REFERENCE, 'etc', 'psad.conf'));
    const dir = path.join(REFERENCE, 'test', 'conf');
    for (const f of fs.readdirSync(dir).sort()) if (f.endsWith('.conf')) out.push(path.join(dir, f));
  }
  if (fs.existsSync('/etc/psad/psad.conf')) out.push('/etc/psad/psad.conf');
  return out;
}

test('psad 2.4.6 configs load without errors or warnings, as they do in psad 2.4.6', {
  skip: !fs.existsSync(REFERENCE) && !fs.existsSync('/etc/psad/psad.conf') && 'neither ../shared/psad-reference nor /etc/psad/psad.conf is here',
}, () => {
  const list = configs();
  assert.ok(list.length > 0);
  for (const f of list) {
    const dir = tmpDir('confload');
    const ovr = path.join(dir, 'paths.conf');
    fs.writeFileSync(ovr, `INSTALL_ROOT ${dir}/root;\nPSAD_CONF_DIR ${path.join(ROOT, 'etc')};\n`);
    const isMain = /^\s*EMAIL_ADDRESSES\s/m.test(fs.readFileSync(f, 'latin1'));
    const args = isMain ? ['-c', f, '-O', ovr, '-D'] : ['-c', CONF, '-O', `${f},${ovr}`, '-D'];
    const r = runPsad(args);
    assert.equal(r.status, 0, `${f}: ${r.stderr}`);
    assert.equal(r.stderr, '', f);
    if (referenceInstalled()) {
      // (runReference adds its own -O file: an override's lines go into it)
      const ref = isMain ? runReference(['-c', f, '-D']) : runReference(['-c', CONF, '-D'], { extraConf: fs.readFileSync(f, 'latin1') });
      assert.equal(ref.status, 0, `psad 2.4.6 does not load ${f} either: ${ref.stderr}`);
    }
  }
});
