import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { fileURLToPath } from 'url';
import { PsadConfig } from '../config/config';
import { PsadError } from '../config/errors';
import { describeErrno } from '../config/conf-file';
import { readDataFile, splitDataLines } from '../data/diagnostics';
import { parseSignatures } from '../data/signatures';
import { parseIpOptions } from '../data/ip-options';
import { parseClassification } from '../data/snort-rules';
import { runningPid } from '../daemon/pidfile';

/** Largest signatures file accepted (the 2.4.6 file is about 60 kB). */
const MAX_BYTES = 16 << 20;

/** Fetches SIG_UPDATE_URL: file:// from the disk, http(s):// with fetch (60 s limit). */
export async function download(url: string, timeoutMs = 60000): Promise<Buffer> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('not a valid URL');
  }
  if (u.protocol === 'file:') {
    const file = fileURLToPath(u);
    const st = fs.statSync(file);
    if (st.isDirectory()) throw Object.assign(new Error(`${file}: Is a directory`), { code: 'EISDIR' });
    if (st.size > MAX_BYTES) throw new Error(`larger than ${MAX_BYTES} bytes`);
    return fs.readFileSync(file);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`unsupported URL scheme "${u.protocol}"`);
  const res = await fetch(u, { redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  const buf = Buffer.from(await res.arrayBuffer());
  if (buf.length > MAX_BYTES) throw new Error(`larger than ${MAX_BYTES} bytes`);
  return buf;
}

/**
 * Checks a downloaded signatures file with the signatures loader: every
 * rule line must load and there must be at least one rule. Returns the
 * problems (empty when the file is good).
 */
export function signatureProblems(cfg: PsadConfig, text: string, label: string): string[] {
  const problems: string[] = [];
  const opt = (file: string) => {
    try {
      return readDataFile(file);
    } catch {
      return [];
    }
  };
  const rulesDir = cfg.opt('SNORT_RULES_DIR', '');
  try {
    const set = parseSignatures(splitDataLines(text), label, {
      vars: cfg.vars,
      classDl: rulesDir ? parseClassification(opt(path.join(rulesDir, 'classification.config'))) : new Map(),
      ipOptions: parseIpOptions(opt(cfg.opt('IP_OPTS_FILE', ''))),
      strict: cfg.opt('ENABLE_SNORT_SIG_STRICT', 'Y') === 'Y',
    }, (m) => problems.push(m));
    if (!problems.length && !set.list.length) problems.push(`${label}: no signatures in the file`);
  } catch (e) {
    problems.push((e as Error).message);
  }
  return problems;
}

/**
 * Keeps a gzip copy of a file in the archive directory as <name>.old1.gz,
 * moving older copies up to .old5.gz (psad's archive_conf).
 */
export function archiveFile(file: string, dir: string, out: (text: string) => void): void {
  const base = path.join(dir, `${path.basename(file)}.old`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (let i = 5; i > 1; i--) {
    const from = `${base}${i - 1}.gz`;
    if (fs.existsSync(from)) fs.renameSync(from, `${base}${i}.gz`);
    else fs.rmSync(`${base}${i}.gz`, { force: true });
  }
  out(`[+] Archiving original ${file} -> ${path.basename(base)}1\n`);
  const tmp = `${base}1.gz.${process.pid}.tmp`;
  fs.writeFileSync(tmp, zlib.gzipSync(fs.readFileSync(file)), { mode: 0o600 });
  fs.renameSync(tmp, `${base}1.gz`);
}

/** Writes `data` to `file` through a temporary file in its directory and a rename. */
function replaceAtomically(file: string, data: Buffer): void {
  let mode = 0o600;
  try {
    mode = fs.statSync(file).mode & 0o7777;
  } catch {
    /* new file */
  }
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.new`);
  try {
    const fd = fs.openSync(tmp, 'w', mode);
    try {
      fs.writeSync(fd, data);
      fs.fchmodSync(fd, mode);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new PsadError(`Could not replace ${file}: ${describeErrno(e as NodeJS.ErrnoException)}`, 2);
  }
}

/**
 * --sig-update: downloads SIG_UPDATE_URL, checks it with the signatures
 * loader, archives the current SIGS_FILE, puts the new file in place
 * atomically and sends a running psad a HUP so that it imports it. On any
 * error the current file is left as it was.
 */
export async function sigUpdate(cfg: PsadConfig, out: (text: string) => void): Promise<number> {
  const url = cfg.get('SIG_UPDATE_URL');
  const sigsFile = cfg.get('SIGS_FILE');
  out(`[+] Downloading latest signatures from:\n        ${url}\n`);
  let data: Buffer;
  try {
    data = await download(url);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { cause?: { code?: string; message?: string } };
    const why = err.name === 'TimeoutError' ? 'timed out' : err.code ? describeErrno(err)
      : err.cause ? `${err.message} (${err.cause.code ?? err.cause.message})` : err.message;
    throw new PsadError(`Could not download signature file from ${url}: ${why}; ${sigsFile} was not changed.`);
  }
  const problems = signatureProblems(cfg, data.toString('latin1'), url);
  if (problems.length) {
    const shown = problems.slice(0, 5).map((p) => `    ${p}\n`).join('');
    const more = problems.length > 5 ? `    ... and ${problems.length - 5} more\n` : '';
    throw new PsadError(`The downloaded signature file is not valid; ${sigsFile} was not changed:\n${shown}${more}`.replace(/\n$/, ''));
  }
  if (fs.existsSync(sigsFile)) {
    try {
      archiveFile(sigsFile, cfg.get('CONF_ARCHIVE_DIR'), out);
    } catch (e) {
      throw new PsadError(`Could not archive ${sigsFile}: ${describeErrno(e as NodeJS.ErrnoException)}; it was not changed.`, 2);
    }
  }
  replaceAtomically(sigsFile, data);
  const pid = runningPid(cfg.get('PSAD_PID_FILE'));
  if (pid) {
    out(`[+] New signature file ${sigsFile} has been put in place.\n`);
    try {
      process.kill(pid, 'SIGHUP');
      out(`[+] HUP signal sent to psad (pid: ${pid}) to import the new sigs.\n`);
    } catch {
      out(`[*] Could not send psad (pid: ${pid}) a HUP signal; use 'psad -H' to import the new sigs.\n`);
      return 1;
    }
  } else {
    out(`[+] New signature file ${sigsFile} has been put in\n`
      + "    place. You can restart psad (or use 'psad -H') to import the\n"
      + '    new sigs.\n');
  }
  return 0;
}
