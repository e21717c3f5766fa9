import { strict as assert } from 'node:assert';
import { donchianBreakoutKernel, rsiReversionKernel } from '../kernel-lib/strategy/builtins';
import { getStrategy } from '../kernel-lib/strategy/registry';

const f = (xs: number[]) => Float64Array.from(xs);

describe('strategy: built-in state machines (rsi_reversion, donchian_breakout)', () => {
  it('rsi_reversion: long below lower until RSI recovers to exit; short above upper with allowShort', () => {
    const params = getStrategy('rsi_reversion').parseParams({ lower: 30, exit: 50, upper: 70 });
    const rsi = f([NaN, 45, 25, 28, 40, 55, 75, 60, 45, 20]);
    const out = new Float64Array(rsi.length);
    rsiReversionKernel([rsi], out, params);
    //           warm-up  45 25 28 40 55 75 60 45 20
    assert.deepEqual(Array.from(out), [NaN, 0, 1, 1, 1, 0, 0, 0, 0, 1]);
    rsiReversionKernel([rsi], out, { ...params, allowShort: true });
    // 75 > upper: short; 60 still above exit: short; 45 <= exit: flat; 20: long
    assert.deepEqual(Array.from(out), [NaN, 0, 1, 1, 1, 0, -1, -1, 0, 1]);
  });

  it('rsi_reversion needs lower < exit < upper', () => {
    assert.throws(() => getStrategy('rsi_reversion').parseParams({ lower: 60, exit: 50 }), /lower < exit < upper/);
  });

  it('donchian_breakout: enter above the previous channel high, trail an ATR stop, exit below it', () => {
    const params = getStrategy('donchian_breakout').parseParams({ window: 3, atrPeriod: 2, atrMultiple: 2 });
    //                 0    1    2    3    4    5    6    7
    const close = f([10, 10, 10, 12, 13, 12.5, 10.5, 14]);
    const upper = f([NaN, NaN, NaN, 11, 12, 13, 13, 13]); // highest high of the previous 3 bars
    const lower = f([NaN, NaN, NaN, 9, 9, 9, 10, 10]);
    const atr = f([NaN, NaN, 1, 1, 1, 1, 1, 1]);
    const out = new Float64Array(close.length);
    donchianBreakoutKernel([close, upper, lower, atr], out, params);
    // bar 3: 12 > 11 -> long, stop 12 - 2 = 10; bar 4: stop -> max(10, 13 - 2) = 11; bar 5: 12.5 >= 11, stop stays 11
    // bar 6: 10.5 < 11 -> exit (flat, no re-entry on the exit bar); bar 7: 14 > 13 -> long again
    assert.deepEqual(Array.from(out), [NaN, NaN, NaN, 1, 1, 1, 0, 1]);
  });

  it('donchian_breakout with allowShort: breakdown below the channel low, stop trails above', () => {
    const params = getStrategy('donchian_breakout').parseParams({ window: 3, atrPeriod: 2, atrMultiple: 1, allowShort: true });
    const close = f([10, 8, 7.5, 8.7, 9]);
    const upper = f([11, 11, 11, 11, 11]);
    const lower = f([9, 9, 8, 8, 8]);
    const atr = f([1, 1, 1, 1, 1]);
    const out = new Float64Array(close.length);
    donchianBreakoutKernel([close, upper, lower, atr], out, params);
    // bar 1: 8 < 9 -> short, stop 9; bar 2: stop -> min(9, 8.5) = 8.5; bar 3: 8.7 > 8.5 -> flat; bar 4: 9 inside -> flat
    assert.deepEqual(Array.from(out), [0, -1, -1, 0, 0]);
  });
});
