import { strict as assert } from 'node:assert';
import pl from 'nodejs-polars';
import { superTrend, superTrendKernel } from '../kernel-lib/kernels/super-trend';
import { wilderAtrArray } from '../kernel-lib/kernels/wilder';
import { QuantbookError } from '../kernel-lib/errors';

// Worked by hand with period 1 (ATR = true range) and multiplier 1:
// t  high low close  TR   basic U/L     final upper           final lower          direction
// 0  11   9   10     2    12 / 8        12 (start)            8 (start)            -1 (start: down)
// 1  12   10  11.5   2    13 / 9        12 (13 > 12, 10 < 12) 9 (9 > 8)            -1 (11.5 <= 12)
// 2  14   12  13.5   2.5  15.5 / 10.5   12                    10.5                 +1 (13.5 > 12)
// 3  13   11  11     2.5  14.5 / 9.5    14.5 (close 13.5 > 12) 10.5                 +1 (11 >= 10.5)
// 4  11   9   9.5    2    12 / 8        12 (12 < 14.5)        10.5                 -1 (9.5 < 10.5)
const HIGH = [11, 12, 14, 13, 11];
const LOW = [9, 10, 12, 11, 9];
const CLOSE = [10, 11.5, 13.5, 11, 9.5];

describe('kernels: SuperTrend', () => {
  it('follows the final-band recursion and flips direction on a close through the band', () => {
    const h = Float64Array.from(HIGH);
    const l = Float64Array.from(LOW);
    const c = Float64Array.from(CLOSE);
    const n = c.length;
    const [line, direction, upper, lower] = [0, 0, 0, 0].map(() => new Float64Array(n));
    superTrendKernel(h, l, c, wilderAtrArray(h, l, c, 1), 1, line, direction, upper, lower);
    assert.deepEqual([...upper], [12, 12, 12, 14.5, 12]);
    assert.deepEqual([...lower], [8, 9, 10.5, 10.5, 10.5]);
    assert.deepEqual([...direction], [-1, -1, 1, 1, -1]);
    assert.deepEqual([...line], [12, 12, 10.5, 10.5, 12]);
  });

  it('starts at the first ATR (row period - 1) and runs per security through the frame API', async () => {
    const frame = pl.DataFrame({
      security_id: [...HIGH.map(() => 'X'), 'Y', 'Y', 'Y'],
      date: pl.Series('date', [1, 2, 3, 4, 5, 1, 2, 3]).cast(pl.Date),
      high: [...HIGH, 5, 6, 7.5],
      low: [...LOW, 4, 5, 6],
      close: [...CLOSE, 4.5, 5.5, 7],
    });
    const out = await superTrend(frame, { period: 1, multiplier: 1 });
    assert.deepEqual(out.getColumn('supertrend').toArray().slice(0, 5), [12, 12, 10.5, 10.5, 12]);
    const two = await superTrend(frame, { period: 2, multiplier: 1 });
    const line = two.getColumn('supertrend').toArray();
    assert.equal(line[0], null);
    assert.notEqual(line[1], null);
    // Y starts fresh: its first row has no ATR(2) yet, whatever X's last bar was. Row 1: ATR
    // (1 + 1.5) / 2 = 1.25, upper 5.5 + 1.25 = 6.75; row 2: upper stays 6.75, close 7 > 6.75: up.
    assert.equal(line[5], null);
    assert.deepEqual(two.getColumn('supertrend_direction').toArray().slice(5), [null, -1, 1]);
  });

  it('validates period and multiplier', async () => {
    const frame = pl.DataFrame({ security_id: ['X'], date: pl.Series('date', [1]).cast(pl.Date), high: [1], low: [1], close: [1] });
    await assert.rejects(superTrend(frame, { period: 0 }), (e: unknown) => e instanceof QuantbookError && /'period'/.test(e.message));
    await assert.rejects(superTrend(frame, { multiplier: -1 }), (e: unknown) => e instanceof QuantbookError && /'multiplier'/.test(e.message));
  });
});
