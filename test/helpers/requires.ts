import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test, TestOptions } from 'node:test';
import { REFERENCE } from './paths';

/**
 * What a test needs beyond the repository, as node:test `skip` values:
 * false when it is there, else a one-line reason. A clone with nothing
 * beside it runs every other test; tests that need these skip and say why.
 */

export const REFERENCE_PSAD = '/usr/sbin/psad';

let refState: false | string | undefined;

/** psad 2.4.6 is installed and runs (`psad -V` answers with its version). */
export function needsReference(): false | string {
  if (refState !== undefined) return refState;
  const r = spawnSync(REFERENCE_PSAD, ['-V'], { encoding: 'latin1', timeout: 30000 });
  if (r.error) refState = `psad 2.4.6 is not runnable at ${REFERENCE_PSAD} (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}; apt-get install psad)`;
  else if (r.status !== 0 || !/psad v2\.4\.6\b/.test(r.stdout)) refState = `${REFERENCE_PSAD} is not psad 2.4.6 (psad -V: ${(r.stdout + r.stderr).trim().split('\n')[0] || `exit ${r.status}`})`;
  else refState = false;
  return refState;
}

/** ../shared/psad-reference (upstream test logs and psad's expected output) is beside the checkout. */
export function needsShared(): false | string {
  const want = [path.join(REFERENCE, 'expected'), path.join(REFERENCE, 'test/scans/iptables')];
  return want.every((d) => fs.existsSync(d)) ? false : `needs ${path.relative(process.cwd(), REFERENCE) || REFERENCE} (the upstream test logs beside the checkout), which is absent`;
}

/** Both of the above. */
export function needsReferenceAndShared(): false | string {
  return needsShared() || needsReference();
}

/** The files of a folder of ../shared (sorted), or none when ../shared is absent. */
export function sharedFiles(rel: string, filter: (name: string) => boolean = () => true): string[] {
  const dir = path.join(REFERENCE, rel);
  if (needsShared() || !fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter(filter).sort();
}

/**
 * One test per item; when `skip` gives a reason (or there are no items
 * because what lists them is absent), one skipped test that says why.
 */
export function testEach(items: string[], title: (item: string) => string, skip: false | string, fn: (item: string) => void | Promise<void>,
  opts: TestOptions = {}, allTitle = 'each upstream test log'): void {
  if (skip || !items.length) {
    test(title(allTitle), { ...opts, skip: skip || 'nothing to run' }, () => undefined);
    return;
  }
  for (const item of items) test(title(item), { ...opts }, () => fn(item));
}
