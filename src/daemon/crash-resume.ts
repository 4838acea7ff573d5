import * as fs from 'fs';
import { PsadConfig } from '../config/config';
import { Engine } from '../engine/engine';
import { AlertState } from '../alert/scan-logr';
import { pidAlive, readPid } from './pidfile';
import { readSourceStatus, sourceStatusFile, SourceStatus } from './source-status';

/**
 * psad after an unclean exit (SIGKILL, the OOM killer, a crash): its pid
 * file is still there and names a process that is gone (a clean stop -
 * SIGTERM, `psad -K`, the init script, systemctl stop - removes it). Only
 * then does a starting psad resume: it keeps the per-IP files, counters and
 * the data file instead of emptying them (IMPORT_OLD_SCANS N,
 * TRUNCATE_FWDATA Y), loads the scan table from them, reads the data file
 * from where the dead psad stopped, leaves a running kmsgsd alone and keeps
 * the auto-block rules in place. An administrator's start after a clean
 * stop keeps IMPORT_OLD_SCANS's meaning.
 */
export interface UncleanExit {
  /** the dead psad's pid */
  pid: number;
  /** when its pid file was written (its start) */
  started: number;
  /** what it last wrote about its source (read position), if anything */
  source: SourceStatus | null;
}

const RESUME_ENV = 'PSAD_NODE_RESUME_PID';

// handed from the foreground psad to its background copy, then removed so
// that programs started later (kmsgsd, a psad started by psadwatchd) do not see it
const handedOver = Number(process.env[RESUME_ENV] ?? '0');
delete process.env[RESUME_ENV];

/** The unclean exit the pid file shows, if any. */
export function findUncleanExit(cfg: PsadConfig): UncleanExit | null {
  const file = cfg.get('PSAD_PID_FILE');
  const pid = readPid(file);
  if (!pid || pid === process.pid || pidAlive(pid)) return null;
  return exitInfo(cfg, pid);
}

/** In the background copy: the unclean exit its foreground process found. */
export function handedOverExit(cfg: PsadConfig): UncleanExit | null {
  return handedOver ? exitInfo(cfg, handedOver) : null;
}

function exitInfo(cfg: PsadConfig, pid: number): UncleanExit {
  let started = 0;
  try {
    started = Math.floor(fs.statSync(cfg.get('PSAD_PID_FILE')).mtimeMs / 1000);
  } catch {
    started = 0;
  }
  return { pid, started, source: readSourceStatus(sourceStatusFile(cfg)) };
}

/** The environment entry that tells the background copy (daemonize) to resume. */
export function resumeEnv(u: UncleanExit | null): Record<string, string> {
  return u ? { [RESUME_ENV]: String(u.pid) } : {};
}

/**
 * The alert state that is not in the files, derived from them: a source
 * whose e-mail counter stands at EMAIL_LIMIT has had its "reached email
 * message limit" mail; a source that was mailed about has had its
 * EXTERNAL_SCRIPT run (unless the script runs for every alert).
 */
export function resumeAlertState(cfg: PsadConfig, engine: Engine, st: AlertState): void {
  const limit = cfg.num('EMAIL_LIMIT');
  const perDst = cfg.get('ENABLE_EMAIL_LIMIT_PER_DST') === 'Y';
  const scriptOnce = cfg.get('ENABLE_EXT_SCRIPT_EXEC') === 'Y' && cfg.get('EXEC_EXT_SCRIPT_PER_ALERT') !== 'Y';
  for (const [ip, s] of engine.sources) {
    let mailed = false;
    if (perDst) {
      for (const [dst, n] of s.dstEmailCtr) {
        if (n > 0) mailed = true;
        if (limit > 0 && n >= limit) st.stopEmail.add(`${ip} ${dst}`);
      }
    } else if (s.emailCtr !== undefined) {
      if (s.emailCtr > 0) mailed = true;
      if (limit > 0 && s.emailCtr >= limit) st.stopEmail.add(ip);
    }
    if (mailed && scriptOnce) st.extScriptRun.add(ip);
  }
}
