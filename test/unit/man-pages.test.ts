import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from '../helpers/paths';
import { manPageFiles } from '../../src/cli/man-pages';
import { OptionGroup } from '../../src/config/option-decl';
import { PSAD_OPTION_GROUPS } from '../../src/config/psad-options';
import { DAEMON_OPTION_GROUPS } from '../../src/config/daemon-options';

/**
 * psad(8), kmsgsd(8) and psadwatchd(8) are made from the option
 * declarations -h uses: every declared name must be on its page, as man
 * shows it, and each page must render without a warning.
 */
const PAGES: [string, OptionGroup[]][] = [['psad.8', PSAD_OPTION_GROUPS], ['kmsgsd.8', DAEMON_OPTION_GROUPS], ['psadwatchd.8', DAEMON_OPTION_GROUPS]];
const HAVE_MAN = spawnSync('man', ['--version']).status === 0;

/** The page as man shows it (one very wide line per paragraph: no hyphenation), or the roff with its escapes undone. */
function shown(file: string): string {
  if (HAVE_MAN) {
    const r = spawnSync('man', ['-l', file], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '3000', LANG: 'C.UTF-8' } });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  }
  return fs.readFileSync(file, 'utf8').replace(/\\f[BIR]/g, '').replace(/\\-/g, '-').replace(/\\e/g, '\\');
}

/** Declared names (long names, synonyms, one-letter forms) the text does not show as options. */
function missing(groups: OptionGroup[], text: string): string[] {
  const out: string[] = [];
  for (const g of groups) {
    for (const o of g.options) {
      for (const n of [o.long, ...(o.aliases ?? []), ...(o.short ? [o.short] : [])]) {
        const opt = n.length === 1 ? `-${n}` : `--${n}`;
        if (!new RegExp(`(^|[\\s,(\\[])${opt.replace(/[-]/g, '\\-')}(?![\\w-])`, 'm').test(text)) out.push(opt);
      }
    }
  }
  return out;
}

test('the build wrote the man pages that the declarations make', () => {
  for (const { file, text } of manPageFiles()) {
    assert.equal(fs.readFileSync(path.join(ROOT, 'man', file), 'utf8'), text, `man/${file} is not what npm run build makes`);
  }
});

for (const [page, groups] of PAGES) {
  test(`${page} shows every declared option`, () => {
    const text = shown(path.join(ROOT, 'man', page));
    assert.deepEqual(missing(groups, text), []);
  });
}

test('the check finds an option that is not on the page', () => {
  const roff = fs.readFileSync(path.join(ROOT, 'man', 'psad.8'), 'utf8');
  const cut = roff.split('\n').filter((l) => !/\\-\\-fw\\-include\\-ips/.test(l)).join('\n');
  const text = cut.replace(/\\f[BIR]/g, '').replace(/\\-/g, '-');
  assert.deepEqual(missing(PSAD_OPTION_GROUPS, text), ['--fw-include-ips']);
});

for (const [page] of PAGES) {
  test(`man -l renders ${page} without a warning`, { skip: !HAVE_MAN && 'man is not installed' }, () => {
    const r = spawnSync('man', ['--warnings', '-l', path.join(ROOT, 'man', page)], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '80' } });
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '');
    const name = page.replace(/\.8$/, '');
    assert.match(r.stdout, new RegExp(`^${name.toUpperCase()}\\(8\\)`, 'm'));
    assert.match(r.stdout, new RegExp(`^NAME\\n\\s+${name}\\s+-\\s+\\S`, 'm'));
    assert.match(r.stdout, /^OPTIONS$/m);
  });
}
