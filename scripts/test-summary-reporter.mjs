// A node:test reporter that writes one JSON summary of the run: the number
// of tests passed, failed and skipped, and why each skipped test was skipped.
// scripts/run-tests.mjs prints it as the run's last lines.
export default async function* summary(source) {
  const s = { pass: 0, fail: 0, skip: 0, todo: 0, skipped: [], failed: [] };
  for await (const ev of source) {
    if (ev.type !== 'test:pass' && ev.type !== 'test:fail') continue;
    const d = ev.data;
    // suites are reported like tests; count the tests only
    if (d.details?.type === 'suite') continue;
    if (d.skip !== undefined && d.skip !== false) {
      s.skip++;
      s.skipped.push({ name: d.name, file: d.file, reason: typeof d.skip === 'string' ? d.skip : '(no reason given)' });
    } else if (d.todo !== undefined && d.todo !== false) s.todo++;
    else if (ev.type === 'test:pass') s.pass++;
    else {
      s.fail++;
      s.failed.push({ name: d.name, file: d.file });
    }
  }
  yield `${JSON.stringify(s)}\n`;
}
