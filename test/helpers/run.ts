import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { PSAD_BIN, ROOT, tmpDir } from './paths';

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runPsad(args: string[], opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): RunResult {
  const r = spawnSync(process.execPath, [PSAD_BIN, ...args], {
    cwd: opts.cwd,
    input: opts.input,
    encoding: 'latin1',
    env: opts.env ?? process.env,
    maxBuffer: 256 << 20,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs our psad like runReference runs the reference: every path under a
 * temporary INSTALL_ROOT (mapped back to "/" in stdout), data files from the
 * project's etc/ unless confDir is given. An existing analysis directory is
 * created when `oldAnalysisDir` is set, as the expected runs had one.
 */
export function runOurs(args: string[], opts: { cwd?: string; confDir?: string; extraConf?: string; input?: string; oldAnalysisDir?: boolean } = {}): RunResult & { root: string } {
  const dir = tmpDir('ours');
  const root = path.join(dir, 'root');
  if (opts.oldAnalysisDir) fs.mkdirSync(path.join(root, 'var/log/psad/ipt_analysis'), { recursive: true });
  const ovr = path.join(dir, 'override.conf');
  fs.writeFileSync(ovr, `INSTALL_ROOT ${root};\nPSAD_CONF_DIR ${opts.confDir ?? path.join(ROOT, 'etc')};\n${opts.extraConf ?? ''}`);
  // a second -O would replace the first one: add our override to the given list
  const a = [...args];
  const k = a.indexOf('-O');
  if (k >= 0) a[k + 1] = `${a[k + 1]},${ovr}`;
  else a.push('-O', ovr);
  const r = runPsad(a, { cwd: opts.cwd, input: opts.input });
  return { ...r, stdout: r.stdout.split(root).join(''), root };
}
