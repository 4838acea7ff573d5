import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, tmpDir } from '../helpers/paths';
import { runReference } from '../helpers/reference';
import { needsReference } from '../helpers/requires';
import { CaseFile, ENGINE_CASES, engineCaseFiles, fullV6, logLines } from '../helpers/engine-case';

/**
 * The expectations of the engine cases are psad 2.4.6's: every case of one
 * batch in analysis mode (the daemon's batches and timeouts cannot be run
 * through -A) is run through the installed psad -A, and the
 * danger levels it prints in its top-attackers list must be the case's.
 */
const SKIP = needsReference();

const OPTS: Record<string, string> = { noSignatures: '--no-signatures', noAutoDl: '--no-auto-dl', noPassiveOs: '--no-passive-os' };

for (const f of engineCaseFiles()) {
  const cases = (JSON.parse(fs.readFileSync(path.join(ENGINE_CASES, f), 'utf8')) as CaseFile[])
    .filter((c) => (c.mode ?? 'analysis') === 'analysis' && c.batches.length === 1);
  if (!cases.length) continue;
  test(`engine cases ${f}: the danger levels psad 2.4.6 assigns`, { skip: SKIP }, () => {
    let checked = 0;
    for (const c of cases) {
      const dir = tmpDir('engine-ref');
      const log = path.join(dir, 'in.log');
      fs.writeFileSync(log, c.batches[0].packets.flatMap((p) => logLines(p)).map((l) => `${l}\n`).join(''));
      const conf: string[] = Object.entries(c.settings ?? {}).map(([k, v]) => `${k} ${v};`);
      const file = (name: string, lines: string[] | undefined, v: string) => {
        if (!lines) return;
        fs.writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`);
        conf.push(`${v} ${path.join(dir, name)};`);
      };
      file('auto_dl', c.autoDl, 'AUTO_DL_FILE');
      file('signatures', c.signatures, 'SIGS_FILE');
      file('snort_rule_dl', c.snortRuleDl, 'SNORT_RULE_DL_FILE');
      const args = ['-A', '-m', log, '--no-rdns', '--no-whois', '--no-netstat', '-c', '/etc/psad/psad.conf'];
      for (const [k, on] of Object.entries(c.flags ?? {})) if (on && OPTS[k]) args.push(OPTS[k]);
      const r = runReference(args, { extraConf: conf.join('\n') });
      assert.equal(r.status, 0, `${c.about}: ${r.stderr}`);
      const levels = new Map<string, number>();
      for (const m of r.stdout.matchAll(/^ {6}(\S+)(?: \(\S+\))?\s+DL: (\d+), Packets/gm)) levels.set(fullV6(m[1]).toLowerCase(), Number(m[2]));
      for (const [ip, want] of Object.entries(c.expect)) {
        const dl = levels.get(fullV6(ip).toLowerCase()) ?? null;
        const expDl = want === null ? null : want.dl === undefined ? undefined : want.dl;
        if (expDl === undefined) continue;
        assert.equal(dl, expDl, `${c.about}: ${ip}`);
        checked++;
      }
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(path.dirname(r.root), { recursive: true, force: true });
    }
    assert.ok(checked > 0, 'no source checked');
  });
}
