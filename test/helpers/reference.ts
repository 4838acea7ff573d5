import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tmpDir } from './paths';
import { needsReference, REFERENCE_PSAD } from './requires';

export { REFERENCE_PSAD };

/** psad 2.4.6 is installed and runnable (see needsReference for the reason when not). */
export function referenceInstalled(): boolean {
  return needsReference() === false;
}

/**
 * Runs the installed psad 2.4.6 with every path under a temporary
 * INSTALL_ROOT (and its data files from /etc/psad unless confDir is given).
 * Returns stdout with the root mapped back to "/" and the run's root.
 */
export function runReference(args: string[], opts: { cwd?: string; confDir?: string; extraConf?: string; input?: string } = {}): { stdout: string; stderr: string; status: number | null; root: string } {
  const dir = tmpDir('ref');
  const root = path.join(dir, 'root');
  for (const d of ['var/log', 'var/run', 'var/lib']) fs.mkdirSync(path.join(root, d), { recursive: true });
  const ovr = path.join(dir, 'override.conf');
  fs.writeFileSync(ovr, `INSTALL_ROOT ${root};\nPSAD_CONF_DIR ${opts.confDir ?? '/etc/psad'};\n${opts.extraConf ?? ''}`);
  const r = spawnSync(REFERENCE_PSAD, [...args, '-O', ovr], { cwd: opts.cwd, encoding: 'latin1', input: opts.input, maxBuffer: 256 << 20 });
  return { stdout: r.stdout.split(root).join(''), stderr: r.stderr, status: r.status, root };
}
