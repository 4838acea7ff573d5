import { PsadError } from '../config/errors';
import { PsadConfig } from '../config/config';

/** One IPT_AUTO_CHAINn tuple. */
export interface AutoChain {
  n: number;
  target: string;
  direction: 'src' | 'dst' | 'both';
  table: string;
  fromChain: string;
  jumpPosition: number;
  toChain: string;
  rulePosition: number;
}

const NAME = /^[A-Za-z0-9_.-]{1,28}$/;

/**
 * IPT_AUTO_CHAIN1, 2, ... up to the first missing number. psad 2.4.6 skips a
 * bad entry with a syslog note, and loops forever on an invalid direction
 * or identical chains (R2); here any bad entry refuses the configuration
 * with the variable and the reason. Jump positions below 1 mean 1 (the
 * reference dies on 0, R16); a rule position of 0 means 1 and -1 appends.
 */
export function autoChains(cfg: PsadConfig, warn: (m: string) => void): AutoChain[] {
  const out: AutoChain[] = [];
  for (let n = 1; cfg.has(`IPT_AUTO_CHAIN${n}`); n++) {
    const name = `IPT_AUTO_CHAIN${n}`;
    const value = cfg.get(name);
    const f = value.trim().split(/\s*,\s*/);
    const bad = (why: string) => new PsadError(`invalid ${name} variable (${cfg.where(name)}): ${why}: "${value}"`);
    let t: AutoChain;
    if (f.length === 5) {
      warn(`the ${name} variable in psad.conf needs to be updated to set the jump rule position and the auto rule position; defaulting both to 1.`);
      t = { n, target: f[0], direction: f[1] as AutoChain['direction'], table: f[2], fromChain: f[3], jumpPosition: 1, toChain: f[4], rulePosition: 1 };
    } else if (f.length === 7) {
      if (!/^-?\d+$/.test(f[4]) || !/^-?\d+$/.test(f[6])) throw bad('the positions must be integers');
      t = {
        n, target: f[0], direction: f[1] as AutoChain['direction'], table: f[2], fromChain: f[3], jumpPosition: Number(f[4]),
        toChain: f[5], rulePosition: Number(f[6]),
      };
    } else throw bad('expected "target, direction, table, from_chain, jump_position, to_chain, rule_position"');
    if (t.direction !== 'src' && t.direction !== 'dst' && t.direction !== 'both') throw bad(`invalid direction ${t.direction} (src, dst or both)`);
    if (t.fromChain === t.toChain) throw bad('from_chain and to_chain must differ');
    for (const x of [t.target, t.table, t.fromChain, t.toChain]) {
      if (!NAME.test(x)) throw bad(`"${x}" is not an iptables table, chain or target name`);
    }
    if (t.rulePosition < -1) throw bad('the rule position must be -1 (append), 0 or a positive number');
    if (t.jumpPosition < 1) t.jumpPosition = 1;
    if (t.rulePosition === 0) t.rulePosition = 1;
    out.push(t);
  }
  if (!out.length) throw new PsadError(`The config file "${cfg.mainFile}" does not contain the\nvariable: "IPT_AUTO_CHAIN1". Exiting!`);
  return out;
}
