import { usageLines } from '../config/option-decl';
import { PSAD_OPTION_GROUPS } from '../config/psad-options';

/**
 * psad --help: every option of psad 2.4.6 (and of the psad 2.1.7 man page),
 * grouped by mode, made from the option declarations (as psad(8) is).
 */
export function psadUsage(configFile: string): string {
  return `
psad: the Port Scan Attack Detector (Node.js port of psad 2.4.6)

Usage: psad [options]      long options may be abbreviated to a unique prefix
                           (--Anal, --Stat) and given with one dash (-Analyze-msgs)

${usageLines(PSAD_OPTION_GROUPS, configFile).replace(/\n$/, '')}`;
}
