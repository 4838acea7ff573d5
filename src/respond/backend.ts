import { Net } from '../net/addr';

/** A block or unblock of one address or network. */
export interface FwOp {
  net: Net;
  add: boolean;
  /**
   * add only: seconds the block has left (0 = permanent). A backend whose
   * kernel objects expire by themselves (nftables set elements) uses it;
   * iptables ignores it and psad removes the rule when the time is up.
   */
  timeout?: number;
}

export interface ApplyResult {
  /** ops whose rules are now in place (add) or gone (remove) */
  done: FwOp[];
  /** ops whose rules were already as wanted (add: present before; remove: absent before) */
  already: FwOp[];
  /** ops that failed, with the firewall's message */
  failed: { op: FwOp; error: string }[];
}

/**
 * The kernel side of auto-blocking. psad's block table (auto-response.ts)
 * decides what is blocked and for how long; a backend puts that into the
 * kernel and reads back what the kernel holds. Every implementation runs its
 * commands with argument lists (never a shell) and only with parsed
 * addresses (Net values).
 */
export interface FirewallBackend {
  readonly name: 'iptables' | 'nftables';
  /**
   * Applies a change set. With prereq, creates what the blocks live in first
   * (chains and jump rules, or the nft table, sets and chains).
   */
  apply(ops: FwOp[], prereq: boolean): ApplyResult;
  /** Empties psad's blocking objects; delChains also removes them (chains, jump rules, table). */
  flush(delChains: boolean, families: (4 | 6)[]): { ok: string[]; failed: string[] };
  /** Human-readable listing of the current blocks for --fw-list-auto. */
  list(f: 4 | 6): string;
  /** Where a block of `net` is in place (empty when it is not), for `-S`. */
  blockedIn(net: Net): string[];
}
