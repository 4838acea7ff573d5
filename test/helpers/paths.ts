import * as path from 'path';
import * as fs from 'fs';
import * as os from 'os';

/** The repository root (tests run from dist/test/...). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const PSAD_BIN = path.join(ROOT, 'bin', 'psad');
export const REFERENCE = path.resolve(ROOT, '..', 'shared', 'psad-reference');

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `psad-${prefix}-`));
}

/**
 * An override file that keeps every path of a run under `root` and reads the
 * data files from `confDir` (the project's etc/ by default).
 */
export function writeOverride(root: string, confDir = path.join(ROOT, 'etc'), extra = ''): string {
  const f = path.join(root, 'override.conf');
  fs.writeFileSync(f, `INSTALL_ROOT ${root}/root;\nPSAD_CONF_DIR ${confDir};\n${extra}`);
  return f;
}
