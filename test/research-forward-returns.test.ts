import { strict as assert } from 'node:assert';
import { researchPanel } from '../kernel-lib/research/panel';
import { forwardPrices, forwardReturns } from '../kernel-lib/research/forward-returns';
import { forwardReturnsAt } from '../kernel-lib/kernels/xs-forward-returns';
import { handPanel } from './research-fixtures';

describe('research: forward returns by position within each security', () => {
  // Calendar: days 1..6. B has no bar on day 3 (a gap); C starts on day 4; D has a zero close.
  const prices = handPanel({
    A: [[1, 10], [2, 11], [3, 12], [4, 13], [5, 14], [6, 15]],
    B: [[1, 20], [2, 22], [4, 24], [5, 26], [6, 28]],
    C: [[4, 5], [5, 6], [6, 4]],
    D: [[1, 1], [2, 0], [3, 2], [4, 4], [5, 8], [6, 16]],
  });

  it('fwd_h[t] = close[row + h] / close[row] - 1 counting the security own rows, NaN past its end', async () => {
    const panel = await researchPanel(prices);
    assert.deepEqual(panel.securities, ['A', 'B', 'C', 'D']);
    assert.equal(panel.dates, 6);
    const { values } = forwardReturns(panel, [1, 2]);
    const at = (h: number, day: number, s: string) => values[h][(day - 1) * 4 + panel.securities.indexOf(s)];
    const close = (x: number, y: number) => Math.abs(x - y) < 1e-15;
    // A: every day present
    assert.ok(close(at(0, 1, 'A'), 11 / 10 - 1));
    assert.ok(close(at(1, 4, 'A'), 15 / 13 - 1));
    assert.ok(Number.isNaN(at(0, 6, 'A')) && Number.isNaN(at(1, 5, 'A')));
    // B: the row after day 2 is day 4 (1 row later, 2 calendar days later)
    assert.ok(close(at(0, 2, 'B'), 24 / 22 - 1));
    assert.ok(close(at(1, 1, 'B'), 24 / 20 - 1));
    assert.ok(close(at(1, 2, 'B'), 26 / 22 - 1));
    assert.ok(Number.isNaN(at(0, 3, 'B')), 'no bar on day 3: no forward return there');
    // C: starts late
    assert.ok(Number.isNaN(at(0, 3, 'C')));
    assert.ok(close(at(1, 4, 'C'), 4 / 5 - 1));
    // D: a zero close makes the returns that touch it missing
    assert.ok(Number.isNaN(at(0, 1, 'D')) && Number.isNaN(at(0, 2, 'D')) && Number.isNaN(at(1, 2, 'D')));
    assert.ok(close(at(1, 1, 'D'), 2 / 1 - 1), 'two rows ahead jumps over the zero');
    assert.ok(close(at(0, 3, 'D'), 1));
  });

  it('one date at a time (forwardReturnsAt, as the research pass computes them) gives the same doubles, with and without the no-gap shortcut', async () => {
    const panel = await researchPanel(prices);
    const p = forwardPrices(panel);
    // A, C and D have no calendar gap (C starts late), B has one: the shortcut covers A, C, D
    assert.deepEqual(Array.from(p.lastDate!), [5, -1, 5, 5]);
    for (const h of [1, 2, 3, 7]) {
      const dense = forwardReturns(panel, [h]).values[0];
      for (const prices of [p, { ...p, lastDate: null }]) {
        const row = new Float64Array(panel.size);
        for (let t = 0; t < panel.dates; t++) {
          forwardReturnsAt(prices, t, h, row);
          for (let i = 0; i < panel.size; i++) assert.ok(Object.is(row[i], dense[t * panel.size + i]), `h ${h}, t ${t}, ${panel.securities[i]}: ${row[i]} vs ${dense[t * panel.size + i]}`);
        }
      }
    }
  });

  it('rejects bad horizons by name', async () => {
    const panel = await researchPanel(prices);
    assert.throws(() => forwardReturns(panel, [0]), /horizons.*horizon 0/);
    assert.throws(() => forwardReturns(panel, [1, 1]), /listed twice/);
    assert.throws(() => forwardReturns(panel, [2.5]), /positive whole number/);
  });

  it('full-history-only keeps the securities with a bar on every date', async () => {
    const panel = await researchPanel(prices, { fullHistoryOnly: true });
    assert.deepEqual(panel.securities, ['A', 'D']);
    assert.deepEqual(panel.excludedSecurities, ['B', 'C']);
  });

  it('names a duplicate (security, date) row', async () => {
    const dup = handPanel({ A: [[1, 10], [1, 11], [2, 12]] });
    await assert.rejects(researchPanel(dup), /two rows for security 'A' on 2020-01-01/);
  });
});
