import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import * as zlib from 'zlib';
import { spawn } from 'child_process';
import { AddressInfo } from 'net';
import { PSAD_BIN, ROOT, tmpDir, writeOverride } from '../helpers/paths';

/**
 * --sig-update: SIG_UPDATE_URL (file:// or http://) is checked with the
 * signatures loader, the old SIGS_FILE is archived as signatures.old1.gz and
 * replaced in one rename, and a running psad gets a HUP. Any error leaves
 * the old file (and the archive) as they were.
 */
const CONF = path.join(ROOT, 'etc', 'psad.conf');
const GOOD = fs.readFileSync(path.join(ROOT, 'etc', 'signatures'), 'latin1');
const OLD = `${GOOD.split('\n').slice(0, 40).join('\n')}\n# the old file\n`;

interface Setup {
  dir: string;
  sigs: string;
  archive: string;
  pidFile: string;
  run: (url: string) => Promise<{ status: number | null; stdout: string; stderr: string }>;
}

function setup(): Setup {
  const dir = tmpDir('sigupd');
  const sigs = path.join(dir, 'etc', 'signatures');
  fs.mkdirSync(path.dirname(sigs));
  fs.writeFileSync(sigs, OLD, { mode: 0o644 });
  fs.chmodSync(sigs, 0o644);
  const archive = path.join(dir, 'archive');
  const pidFile = path.join(dir, 'psad.pid');
  const run = (url: string) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const ovr = writeOverride(dir, path.join(ROOT, 'etc'),
      `SIGS_FILE ${sigs};\nCONF_ARCHIVE_DIR ${archive};\nPSAD_PID_FILE ${pidFile};\nSIG_UPDATE_URL ${url};\n`);
    // asynchronous: the test's own HTTP server must keep answering meanwhile
    const child = spawn(process.execPath, [PSAD_BIN, '--sig-update', '-c', CONF, '-O', ovr]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
  return { dir, sigs, archive, pidFile, run };
}

function serve(routes: Record<string, [number, string]>): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((req, res) => {
    const r = routes[req.url ?? ''] ?? [404, 'not found\n'];
    res.writeHead(r[0], { 'content-type': 'text/plain' });
    res.end(r[1]);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const port = (server.address() as AddressInfo).port;
    resolve({ url: `http://127.0.0.1:${port}`, close: () => server.close() });
  }));
}

test('a good file:// signatures file replaces SIGS_FILE; the old one is archived as signatures.old1.gz', async () => {
  const s = setup();
  const src = path.join(s.dir, 'new-signatures');
  fs.writeFileSync(src, GOOD);
  const r = await s.run(`file://${src}`);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `[+] Downloading latest signatures from:\n        file://${src}\n`
    + `[+] Archiving original ${s.sigs} -> signatures.old1\n`
    + `[+] New signature file ${s.sigs} has been put in\n    place. You can restart psad (or use 'psad -H') to import the\n    new sigs.\n`);
  assert.equal(fs.readFileSync(s.sigs, 'latin1'), GOOD);
  assert.equal(fs.statSync(s.sigs).mode & 0o777, 0o644, 'the mode of the old file is kept');
  assert.equal(zlib.gunzipSync(fs.readFileSync(path.join(s.archive, 'signatures.old1.gz'))).toString('latin1'), OLD);
  assert.deepEqual(fs.readdirSync(path.dirname(s.sigs)), ['signatures'], 'no temporary file left');
  // a second update moves the archive up
  fs.writeFileSync(src, OLD);
  assert.equal((await s.run(`file://${src}`)).status, 0);
  assert.deepEqual(fs.readdirSync(s.archive).sort(), ['signatures.old1.gz', 'signatures.old2.gz']);
  assert.equal(zlib.gunzipSync(fs.readFileSync(path.join(s.archive, 'signatures.old1.gz'))).toString('latin1'), GOOD);
  assert.equal(zlib.gunzipSync(fs.readFileSync(path.join(s.archive, 'signatures.old2.gz'))).toString('latin1'), OLD);
});

test('corrupt or empty downloads are refused: message, exit 1, old file and archive untouched', async () => {
  const s = setup();
  const cases: [string, RegExp][] = [
    ['<html><body>502 Bad Gateway</body></html>\n', /not valid; .*signatures was not changed:\n {4}file:\/\/.*:1: signature skipped: bad signature$/m],
    [`${GOOD}alert tcp any any -> any any (msg:"no id"; sid:1;)\n`, /could not find signature "psad_id"/],
    [`${GOOD.split('\n').slice(0, 50).join('\n')}\nalert tcp any any -> any any (msg:"cut off`, /:51: signature skipped: bad signature/],
    ['# only comments\n\n', /no signatures in the file/],
    ['', /no signatures in the file/],
  ];
  for (const [text, re] of cases) {
    const src = path.join(s.dir, 'bad');
    fs.writeFileSync(src, text);
    const r = await s.run(`file://${src}`);
    assert.equal(r.status, 1, text.slice(0, 40));
    assert.match(r.stderr, re, text.slice(0, 40));
    assert.doesNotMatch(r.stderr, /\n\s+at |internal error/);
    assert.equal(fs.readFileSync(s.sigs, 'latin1'), OLD);
    assert.equal(fs.existsSync(s.archive), false, 'nothing archived');
    assert.doesNotMatch(r.stdout, /Archiving|New signature file/);
  }
  const missing = await s.run(`file://${s.dir}/nope`);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^\[\*\] Could not download signature file from file:\/\/.*\/nope: No such file or directory; .* was not changed\.$/m);
  const scheme = await s.run('gopher://example.org/sigs');
  assert.equal(scheme.status, 1);
  assert.match(scheme.stderr, /unsupported URL scheme "gopher:"/);
  assert.equal(fs.readFileSync(s.sigs, 'latin1'), OLD);
});

test('http:// downloads: 200 replaces the file, 404 and a closed port leave it', async () => {
  const srv = await serve({ '/psad/signatures': [200, GOOD], '/gone': [404, 'Not Found\n'] });
  try {
    const s = setup();
    const notFound = await s.run(`${srv.url}/gone`);
    assert.equal(notFound.status, 1);
    assert.match(notFound.stderr, /Could not download signature file from http:\/\/127\.0\.0\.1:\d+\/gone: HTTP 404 Not Found; .* was not changed\./);
    assert.equal(fs.readFileSync(s.sigs, 'latin1'), OLD);
    const ok = await s.run(`${srv.url}/psad/signatures`);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(fs.readFileSync(s.sigs, 'latin1'), GOOD);
  } finally {
    srv.close();
  }
  // a port nothing listens on any more
  const gone = await serve({});
  gone.close();
  const s = setup();
  const refused = await s.run(`${gone.url}/signatures`);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /Could not download signature file from http:\/\/127\.0\.0\.1:\d+\/signatures: fetch failed \(ECONNREFUSED\)/);
  assert.equal(fs.readFileSync(s.sigs, 'latin1'), OLD);
});

test('a running psad (PSAD_PID_FILE) gets a HUP to import the new file', async () => {
  const s = setup();
  const marker = path.join(s.dir, 'got-hup');
  const fake = spawn(process.execPath, ['-e', `process.on('SIGHUP', () => { require('fs').writeFileSync(${JSON.stringify(marker)}, 'HUP'); process.exit(0); }); setInterval(() => {}, 1000); console.log('ready');`]);
  await new Promise((r) => fake.stdout.once('data', r));
  try {
    fs.writeFileSync(s.pidFile, `${fake.pid}\n`);
    const src = path.join(s.dir, 'new');
    fs.writeFileSync(src, GOOD);
    const r = await s.run(`file://${src}`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`\\[\\+\\] New signature file ${s.sigs} has been put in place\\.\\n\\[\\+\\] HUP signal sent to psad \\(pid: ${fake.pid}\\) to import the new sigs\\.\\n$`));
    await new Promise<void>((resolve) => (fake.exitCode !== null ? resolve() : fake.once('exit', () => resolve())));
    assert.equal(fs.readFileSync(marker, 'latin1'), 'HUP');
  } finally {
    fake.kill('SIGKILL');
  }
});
