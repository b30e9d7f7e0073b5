import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { EmbeddedDatabase } from './embedded-database';

/**
 * Several connections at once must each get the answer to their own statement: the embedded database
 * is one session, and its socket server must not mix connections' protocol messages.
 */
describe('EmbeddedDatabase under concurrent connections', () => {
  let dir: string;
  let db: EmbeddedDatabase;
  let pools: Pool[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-embedded-'));
    db = await EmbeddedDatabase.start(dir);
    pools = [
      new Pool({ connectionString: db.url, max: 5 }),
      new Pool({ connectionString: db.url, max: 5 }),
    ];
  });

  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 400 interleaved statements of different shapes, each with its own parameters', async () => {
    const work = Array.from({ length: 400 }, async (_, i) => {
      const pool = pools[i % 2];
      if (i % 3 === 0) {
        const { rows } = await pool.query('SELECT $1::int + $2::int AS n, $3::text AS tag', [
          i,
          1,
          `q${i}`,
        ]);
        expect(rows).toEqual([{ n: i + 1, tag: `q${i}` }]);
      } else if (i % 3 === 1) {
        const { rows } = await pool.query('SELECT $1::text AS tag', [`q${i}`]);
        expect(rows).toEqual([{ tag: `q${i}` }]);
      } else {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const { rows } = await client.query('SELECT $1::int * 2 AS n', [i]);
          await client.query('COMMIT');
          expect(rows).toEqual([{ n: i * 2 }]);
        } finally {
          client.release();
        }
      }
    });
    await Promise.all(work);
  });

  it('keeps serving after a statement fails', async () => {
    await expect(pools[0].query('SELECT 1/0')).rejects.toThrow(/division by zero/);
    const { rows } = await pools[1].query('SELECT 42 AS n');
    expect(rows).toEqual([{ n: 42 }]);
  });
});
