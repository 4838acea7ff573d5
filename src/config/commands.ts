import * as fs from 'fs';
import * as path from 'path';
import { PsadConfig } from './config';

const SEARCH = ['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'];

/** This package's own programs, used when the configured path does not exist. */
const OWN = new Set(['psad', 'kmsgsd', 'psadwatchd']);

function executable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * check_commands: a *Cmd path that is not executable is looked up in the
 * usual system directories. Unlike the reference, a missing command is not
 * fatal here: each mode checks the commands it actually runs. psad, kmsgsd
 * and psadwatchd fall back to this package's bin/ (never to another psad).
 */
export function resolveCommands(cfg: PsadConfig, opts: { noWhois: boolean }): void {
  const whois = cfg.cmds.get('whois');
  if (!opts.noWhois && cfg.opt('ENABLE_WHOIS_LOOKUPS', 'Y') !== 'N' && !(whois && executable(whois))) {
    cfg.cmds.set('whois', '/usr/bin/whois');
  }
  for (const [name, p] of cfg.cmds) {
    if (executable(p)) continue;
    if (OWN.has(name)) {
      cfg.cmds.set(name, path.resolve(__dirname, '..', '..', '..', 'bin', name));
      continue;
    }
    for (const dir of SEARCH) {
      const c = path.join(dir, name);
      if (executable(c)) {
        cfg.cmds.set(name, c);
        break;
      }
    }
  }
}
