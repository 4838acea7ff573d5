import { PsadConfig } from '../config/config';

/**
 * When an automatic block ends. Each danger level has its timeout,
 * AUTO_BLOCK_DL1_TIMEOUT .. AUTO_BLOCK_DL5_TIMEOUT, falling back to
 * AUTO_BLOCK_TIMEOUT; 0 keeps the block for good. A block is removed at the
 * first check interval after it is older than its timeout (the iptables and
 * nftables rules, and tcpwrappers' hosts.deny lines alike); one re-added at
 * start-up from AUTO_BLOCK_IPT_FILE keeps its original time, and a backend
 * with rule timeouts (nftables sets) is given the time still to run.
 */

/** AUTO_BLOCK_DLn_TIMEOUT for a level (1 or unknown -> DL1); 0 means permanent. */
export function blockTimeout(cfg: PsadConfig, dl: number | undefined): number {
  const d = dl && dl >= 1 && dl <= 5 ? dl : 1;
  const v = cfg.opt(`AUTO_BLOCK_DL${d}_TIMEOUT`, cfg.get('AUTO_BLOCK_TIMEOUT'));
  return /^\d+$/.test(v) ? Number(v) : Number(cfg.get('AUTO_BLOCK_TIMEOUT')) || 0;
}

/** Is a block made at `since` over at `now` (epoch seconds)? */
export function expired(since: number, now: number, timeout: number): boolean {
  return timeout > 0 && now - since > timeout;
}

/** Seconds a block still has to run (at least 1); 0 for a permanent one. */
export function remaining(since: number, now: number, timeout: number): number {
  if (timeout === 0) return 0;
  return Math.max(1, timeout - (now - since));
}

export function timeoutText(t: number): string {
  return t > 0 ? `for ${t} seconds` : '(unlimited timeout)';
}
