#!/usr/bin/env node
// Blocking 10,000 addresses with NftBackend (one nft transaction, elements
// with timeouts in psad's sets) and with IptablesBackend (iptables-restore,
// one rule per address and tuple), in a throwaway network namespace, each
// backend on a fresh one. Reports seconds for: 10,000 blocks in one change
// set, one more block with 10,000 in place, 10,000 unblocks; what the kernel
// then holds; and that the ruleset is valid (`nft -c -f` of `nft list
// ruleset`; for iptables also `iptables-save | iptables-restore --test`).
//   sudo node bench/nft-block-bench.mjs [--count N]      (npm run build first)
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const opt = (n, d) => { const i = args.indexOf(`--${n}`); return i < 0 ? d : args[i + 1]; };
const COUNT = Number(opt('count', '10000'));
if (process.getuid() !== 0) { console.error('run as root (network namespaces)'); process.exit(1); }

const TUPLES = [
  { n: 1, target: 'DROP', direction: 'src', table: 'filter', fromChain: 'INPUT', jumpPosition: 1, toChain: 'PSAD_BLOCK_INPUT', rulePosition: 1 },
  { n: 2, target: 'DROP', direction: 'dst', table: 'filter', fromChain: 'OUTPUT', jumpPosition: 1, toChain: 'PSAD_BLOCK_OUTPUT', rulePosition: 1 },
  { n: 3, target: 'DROP', direction: 'both', table: 'filter', fromChain: 'FORWARD', jumpPosition: 1, toChain: 'PSAD_BLOCK_FORWARD', rulePosition: 1 },
];

// --- inside the namespace: one backend -----------------------------------------------
if (args.includes('--inner')) {
  const { NftBackend } = require(join(root, 'dist/src/respond/nftables.js'));
  const { IptablesBackend } = require(join(root, 'dist/src/respond/iptables.js'));
  const { parseNet } = require(join(root, 'dist/src/net/addr.js'));
  // commands run directly (the namespace is the process's own), with room for big listings
  const run = (cmd, a, input) => {
    const r = spawnSync(cmd, a, { input, encoding: 'latin1', timeout: 600000, maxBuffer: 1 << 30 });
    return { status: r.error ? 127 : r.status ?? 1, stdout: r.stdout ?? '', stderr: r.error ? r.error.message : r.stderr ?? '' };
  };
  const which = opt('backend', 'nftables');
  const logs = [];
  const log = (m) => logs.push(m);
  const b = which === 'nftables'
    ? new NftBackend({ nft: 'nft', chains: TUPLES, run, log })
    : new IptablesBackend({ iptables: 'iptables', ip6tables: 'ip6tables', chains: TUPLES, run, log });
  const ops = [];
  for (let i = 0; i < COUNT; i++) ops.push({ net: parseNet(`100.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`), add: true, timeout: 3600 });
  const time = (fn) => { const t = process.hrtime.bigint(); const r = fn(); return [Number(process.hrtime.bigint() - t) / 1e9, r]; };
  const [tBlock, rb] = time(() => b.apply(ops, true));
  const [tOne, r1] = time(() => b.apply([{ net: parseNet('198.51.100.7'), add: true, timeout: 3600 }], true));
  let objects;
  if (which === 'nftables') {
    const j = JSON.parse(run('nft', ['-j', 'list', 'set', 'inet', 'psad', 'block4']).stdout);
    objects = `${j.nftables.find((o) => o.set).set.elem?.length ?? 0} set elements`;
  } else {
    const n = run('iptables', ['-w', '-S']).stdout.split('\n').filter((l) => /^-A PSAD_BLOCK_/.test(l)).length;
    objects = `${n} rules`;
  }
  const listed = run('nft', ['list', 'ruleset']);
  const check = run('nft', ['-c', '-f', '-'], listed.stdout);
  let valid = listed.status === 0 && check.status === 0 ? 'nft -c -f: ok' : `nft -c -f: FAILED ${check.stderr.split('\n')[0]}`;
  if (which === 'iptables') {
    const saved = run('iptables-save', []);
    const t = run('iptables-restore', ['--test'], saved.stdout);
    valid += t.status === 0 ? ', iptables-restore --test: ok' : `, iptables-restore --test: FAILED ${t.stderr.split('\n')[0]}`;
  }
  const [tUnblock, ru] = time(() => b.apply(ops.map((o) => ({ net: o.net, add: false })), true));
  const bad = rb.failed.length + r1.failed.length + ru.failed.length;
  process.stdout.write(JSON.stringify({
    backend: which, tBlock, tOne, tUnblock, objects, valid,
    done: `${rb.done.length}/${r1.done.length}/${ru.done.length}`, failed: bad, logs: logs.slice(0, 3),
  }) + '\n');
  process.exit(0);
}

// --- outside: a fresh namespace per backend ---------------------------------------------
const rows = [];
for (const backend of ['nftables', 'iptables']) {
  const ns = `psadnftbench-${process.pid}-${backend}`;
  spawnSync('ip', ['netns', 'add', ns]);
  try {
    spawnSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
    const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, fileURLToPath(import.meta.url), '--inner', '--backend', backend, '--count', String(COUNT)],
      { encoding: 'latin1', timeout: 1800000 });
    const line = (r.stdout ?? '').trim().split('\n').pop();
    if (r.status !== 0 || !line) {
      console.error(`${backend}: failed (${r.status ?? r.signal})\n${r.stderr}`);
      continue;
    }
    rows.push(JSON.parse(line));
  } finally {
    spawnSync('ip', ['netns', 'delete', ns]);
  }
}

const head = ['backend', `block ${COUNT} (s)`, `+1 at ${COUNT} (s)`, `unblock ${COUNT} (s)`, 'kernel holds', 'failed', 'ruleset'];
const table = [head, ...rows.map((r) => [r.backend, r.tBlock.toFixed(3), r.tOne.toFixed(3), r.tUnblock.toFixed(3), r.objects, String(r.failed), r.valid])];
const w = head.map((_, i) => Math.max(...table.map((row) => row[i].length)));
for (const row of table) console.log(row.map((c, i) => c.padEnd(w[i])).join('  ').trimEnd());
for (const r of rows) if (r.logs.length) console.log(`${r.backend} log: ${r.logs.join(' | ')}`);
const nft = rows.find((r) => r.backend === 'nftables');
const ipt = rows.find((r) => r.backend === 'iptables');
if (nft && ipt) console.log(`nftables blocks ${COUNT} addresses ${(ipt.tBlock / nft.tBlock).toFixed(0)}x faster than iptables`);
process.exit(rows.length === 2 && rows.every((r) => r.failed === 0 && !/FAILED/.test(r.valid)) ? 0 : 1);
