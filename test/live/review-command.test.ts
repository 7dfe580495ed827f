/** Reviews that behave: a table with a header, several ids settled together or not at all. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/live/open-store.js';
import { runCliCaptured } from '../support/run-cli-in-process.js';
import { makeTempDir, releaseLiveResourcesAfterEach } from './live-helpers.js';

releaseLiveResourcesAfterEach();

/** A store with three machines at 100 USD and flagged changes: 1 → machine 1, 2 → machine 2, 3 and 4 → machine 3. */
function setUp(): { path: string; dir: string } {
  const { dir } = makeTempDir('review');
  const path = join(dir, 'store.db');
  const store = openStore({ path });
  store.machines.importMachines(
    [1, 2, 3].map((k) => ({ name: `Cutter ${k}`, url: `https://a.example/p/${k}`, price: 100, currency: 'USD' })),
    { nowMs: Date.UTC(2025, 7, 6) },
  );
  const flag = store.db.prepare("INSERT INTO price_history (machine_id, batch_id, price, currency, previous_price, previous_currency, change_ratio, status, source, checked_ms) VALUES (?, 'batch_x', ?, 'USD', 100, 'USD', ?, 'flagged', 'json-ld', ?)");
  // The import recorded nothing (new machines); ids 1..4 are the flagged changes.
  flag.run(1, 12.99, 0.8701, Date.UTC(2025, 7, 6, 3, 1));
  flag.run(2, 1299, 11.99, Date.UTC(2025, 7, 6, 3, 2));
  flag.run(3, 10, 0.9, Date.UTC(2025, 7, 6, 3, 3));
  flag.run(3, 300, 2, Date.UTC(2025, 7, 6, 3, 4));
  store.close();
  return { path, dir };
}

function statuses(path: string): Array<[number, string, number | null]> {
  const store: Store = openStore({ path });
  try {
    const rows = store.db.prepare<[], { id: number; status: string; machine_id: number }>('SELECT id, status, machine_id FROM price_history ORDER BY id').all();
    return rows.map((r) => [r.id, r.status, store.machines.getMachines([r.machine_id])[0]!.currentPrice]);
  } finally {
    store.close();
  }
}

describe('review', () => {
  it('lists the queue as a table whose id column is what --approve takes', async () => {
    const t = setUp();
    const listed = await runCliCaptured(['review', '--store', t.path]);
    expect(listed.stdout).toBe(
      [
        'id  machine  name      stored price  new price    change  batch    read at (UTC)',
        '--  -------  --------  ------------  ---------  --------  -------  ----------------',
        ' 1        1  Cutter 1       100 USD  12.99 USD    -87.0%  batch_x  2025-08-06 03:01',
        ' 2        2  Cutter 2       100 USD   1299 USD  +1199.0%  batch_x  2025-08-06 03:02',
        ' 3        3  Cutter 3       100 USD     10 USD    -90.0%  batch_x  2025-08-06 03:03',
        ' 4        3  Cutter 3       100 USD    300 USD   +200.0%  batch_x  2025-08-06 03:04',
        'approve with --approve <id>, discard with --reject <id> (the id column; repeat either to settle several at once, all or none)',
        '',
      ].join('\n'),
    );
  });

  it('checks every id first: one bad id leaves the whole review undone', async () => {
    const t = setUp();
    const bad = await runCliCaptured(['review', '--store', t.path, '--approve', '1', '--approve', '999', '--reject', '2', '--reject', '1']);
    expect([bad.code, bad.stdout]).toEqual([1, '']);
    expect(bad.stderr).toBe('error: Nothing was changed: no price change with id 999; change 1 is both approved and rejected\n');
    const sameMachine = await runCliCaptured(['review', '--store', t.path, '--approve', '3', '--approve', '4']);
    expect(sameMachine.stderr).toBe('error: Nothing was changed: changes 3 and 4 are both for machine 3 (Cutter 3): approve one, reject the other\n');
    expect(statuses(t.path)).toEqual([
      [1, 'flagged', 100],
      [2, 'flagged', 100],
      [3, 'flagged', 100],
      [4, 'flagged', 100],
    ]);
  });

  it('refuses an id named twice and an id that is not a number, quoting what was given', async () => {
    const t = setUp();
    const twice = await runCliCaptured(['review', '--store', t.path, '--approve', '1', '--approve', '1']);
    expect([twice.code, twice.stdout, twice.stderr]).toEqual([1, '', 'error: Nothing was changed: change 1 is named twice\n']);
    for (const [flag, given] of [['--approve', 'abc'], ['--reject', '1.5'], ['--approve', '0']] as const) {
      const bad = await runCliCaptured(['review', '--store', t.path, flag, given]);
      expect([bad.code, bad.stdout, bad.stderr]).toEqual([2, '', `error: ${flag} must be the id of a flagged change, got "${given}"\n`]);
    }
    expect(statuses(t.path).map(([, status]) => status)).toEqual(['flagged', 'flagged', 'flagged', 'flagged']);
  });

  it("says in its help that the store must exist, and refuses a missing one", async () => {
    const help = await runCliCaptured(['review', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('--store The SQLite store (default: $BATCHSCOPE_STORE or ./batchscope.db); it must exist (import creates it)');
    const { dir } = makeTempDir('review-missing');
    const missing = await runCliCaptured(['review', '--store', join(dir, 'none.db')]);
    expect([missing.code, missing.stderr]).toEqual([2, `error: the store ${join(dir, 'none.db')} does not exist (create it with batchscope import <machines file> --store ${join(dir, 'none.db')})\n`]);
  });

  it('settles several ids in one go, and a settled change cannot be settled again', async () => {
    const t = setUp();
    const ok = await runCliCaptured(['review', '--store', t.path, '--approve', '1', '--approve', '4', '--reject', '3', '--reject', '2']);
    expect([ok.code, ok.stdout, ok.stderr]).toEqual([0, 'approved change 1\napproved change 4\nrejected change 3\nrejected change 2\n', '']);
    expect(statuses(t.path)).toEqual([
      [1, 'approved', 12.99],
      [2, 'rejected', 100],
      [3, 'rejected', 300],
      [4, 'approved', 300],
    ]);
    expect((await runCliCaptured(['review', '--store', t.path])).stdout).toBe('no price change waits for review\n');
    const again = await runCliCaptured(['review', '--store', t.path, '--reject', '4']);
    expect([again.code, again.stderr]).toEqual([1, 'error: Price change 4 is not waiting for review (it is approved)\n']);
  });
});
