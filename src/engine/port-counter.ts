/**
 * Packet counts per destination port: a typed array for 0..65535 and a map
 * for anything else a hostile line may carry. Read back as a Map.
 */
export class PortCounter {
  private readonly counts = new Float64Array(65536);
  private readonly other = new Map<number, number>();
  private distinct = 0;

  bump(port: number): void {
    if (port >= 0 && port < 65536 && Number.isInteger(port)) {
      if (this.counts[port]++ === 0) this.distinct++;
    } else {
      const v = this.other.get(port);
      if (v === undefined) this.distinct++;
      this.other.set(port, (v ?? 0) + 1);
    }
  }

  get size(): number {
    return this.distinct;
  }

  /** port -> packets (ports in ascending order, then the others) */
  toMap(): Map<number, number> {
    const m = new Map<number, number>();
    for (let p = 0; p < 65536; p++) if (this.counts[p]) m.set(p, this.counts[p]);
    for (const [p, n] of this.other) m.set(p, n);
    return m;
  }

  /** Replaces a count (used when importing saved counters). */
  set(port: number, n: number): void {
    if (port >= 0 && port < 65536 && Number.isInteger(port)) {
      if (this.counts[port] === 0 && n) this.distinct++;
      this.counts[port] = n;
    } else {
      if (!this.other.has(port)) this.distinct++;
      this.other.set(port, n);
    }
  }
}
