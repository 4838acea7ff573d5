import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { blockTimeout, expired, remaining } from '../../src/respond/block-expiry';
import { loadConfig } from '../../src/config/config';
import { ROOT, tmpDir, writeOverride } from '../helpers/paths';

test('a block ends once it is older than its timeout; 0 keeps it', () => {
  assert.equal(expired(1000, 1000 + 3600, 3600), false, 'exactly the timeout: still blocked (psad compares with >)');
  assert.equal(expired(1000, 1000 + 3601, 3600), true);
  assert.equal(expired(1000, 10 ** 9, 0), false);
  assert.equal(remaining(1000, 1000 + 600, 3600), 3000);
  assert.equal(remaining(1000, 1000 + 4000, 3600), 1, 'overdue: one more second, removed at the next check');
  assert.equal(remaining(1000, 5000, 0), 0);
});

test('AUTO_BLOCK_DLn_TIMEOUT per level, AUTO_BLOCK_TIMEOUT for a level without its own', () => {
  const cfg = loadConfig({
    configFile: path.join(ROOT, 'etc', 'psad.conf'),
    overrideFiles: [writeOverride(tmpDir('expiry'), undefined, 'AUTO_BLOCK_TIMEOUT 3600;\nAUTO_BLOCK_DL5_TIMEOUT 0;\nAUTO_BLOCK_DL4_TIMEOUT 86400;\n')],
  });
  assert.equal(blockTimeout(cfg, 5), 0);
  assert.equal(blockTimeout(cfg, 4), 86400);
  assert.equal(blockTimeout(cfg, 3), 3600, 'psad.conf: AUTO_BLOCK_DL3_TIMEOUT $AUTO_BLOCK_TIMEOUT');
  assert.equal(blockTimeout(cfg, undefined), blockTimeout(cfg, 1));
});
