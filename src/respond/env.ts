import { PsadConfig } from '../config/config';
import { AutoDlEntry } from '../data/auto-dl';
import { Net } from '../net/addr';
import { parseUserNet } from '../net/user-addr';
import { localAddresses } from '../net/local-info';
import { ResponseEnv } from './auto-response';
import { createBackend } from './select';
import { Runner, spawnRunner } from './iptables';

/** --debug --verbose: every firewall command on stderr before it runs (psad 2.4.6's ChainMgr verbose mode). */
function tracing(trace: (cmd: string) => void): Runner {
  return (cmd, args, input) => {
    trace(`${cmd} ${args.join(' ')}${input ? ` <<< ${input.split('\n').length - 1} line(s)` : ''}`);
    return spawnRunner(cmd, args, input);
  };
}

/** HOME_NET as networks, or null when it is "any". */
export function homeNetsOf(cfg: PsadConfig): Net[] | null {
  const home = cfg.get('HOME_NET');
  if (home === 'any' || /CHANGEME/.test(home)) return null;
  const out: Net[] = [];
  for (const item of home.split(/\s*,\s*/)) {
    const n = parseUserNet(item);
    if (n) out.push(n);
  }
  return out.length ? out : null;
}

/** The environment of psad's automated response for a loaded config (daemon or client). */
export function responseEnv(
  cfg: PsadConfig,
  autoDl: AutoDlEntry[],
  io: { log: (m: string) => void; mail: (subject: string) => void; currentDl?: (ip: string) => number | undefined; trace?: (cmd: string) => void },
): ResponseEnv {
  return {
    cfg,
    backend: cfg.get('IPTABLES_BLOCK_METHOD') === 'Y' ? createBackend(cfg, io.log, io.trace ? tracing(io.trace) : undefined) : null,
    autoDl,
    homeNets: homeNetsOf(cfg),
    localAddrs: localAddresses,
    log: io.log,
    mail: io.mail,
    now: () => Math.floor(Date.now() / 1000),
    currentDl: io.currentDl,
  };
}
