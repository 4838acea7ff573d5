import { spawnSync } from 'child_process';
import { PSAD_BIN } from './paths';

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
