import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { alertingMethodsOf } from '../../src/config/alerting';
import { loadConfig } from '../../src/config/config';
import { watchSettings } from '../../src/daemon/psadwatchd';
import { ROOT, tmpDir, writeOverride } from '../helpers/paths';

test('ALERTING_METHODS: psad\'s rule, for every value an administrator writes', () => {
  const cases: [string, boolean, boolean][] = [
    ['ALL', true, true],
    ['noemail', false, true],
    ['NOEMAIL', false, true],
    ['no_email', false, true],
    ['nomail', false, true],
    ['nosyslog', true, false],
    ['no-syslog', true, false],
    ['noemail,nosyslog', false, false],
    ['', true, true],
  ];
  for (const [v, mail, syslog] of cases) assert.deepEqual(alertingMethodsOf(v), { mail, syslog }, v);
});

test('psadwatchd reads ALERTING_METHODS as psad does (no_email keeps its mail back too)', () => {
  const conf = (v: string) => loadConfig({
    configFile: path.join(ROOT, 'etc', 'psad.conf'),
    overrideFiles: [writeOverride(tmpDir('alerting'), undefined, `ALERTING_METHODS ${v};\n`)],
  });
  assert.equal(watchSettings(conf('ALL')).mailEnabled, true);
  assert.equal(watchSettings(conf('noemail')).mailEnabled, false);
  assert.equal(watchSettings(conf('no_email')).mailEnabled, false);
  assert.equal(watchSettings(conf('nosyslog')).mailEnabled, true);
});
