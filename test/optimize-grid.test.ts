import { strict as assert } from 'node:assert';
import { QuantbookError } from '../kernel-lib/errors';
import { gridParamSets, MAX_GRID_SIZE, parseParamSpace } from '../kernel-lib/optimize/grid';
import { randomParamSets } from '../kernel-lib/optimize/random';
import { rsiReversion, smaCross } from '../kernel-lib/strategy/builtins';

function throwsCode(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof QuantbookError, `expected a QuantbookError, got ${e}`);
    assert.equal(e.code, code);
    if (message) assert.match(`${e.message}\n${e.hint ?? ''}`, message);
    return true;
  });
}

describe('optimize: parameter spaces, grid and random search', () => {
  it('reads ranges, steps, lists and single values typed by the schema', () => {
    assert.deepEqual(parseParamSpace(smaCross, 'fast=5..50,slow=20..200:20'), { fast: { from: 5, to: 50 }, slow: { from: 20, to: 200, step: 20 } });
    assert.deepEqual(parseParamSpace(smaCross, 'fast=5,10,20,slow=50|100,allowShort=true|false'), { fast: [5, 10, 20], slow: [50, 100], allowShort: [true, false] });
    assert.deepEqual(parseParamSpace(smaCross, ' fast = 20 , slow=60 '), { fast: [20], slow: [60] });
    assert.deepEqual(parseParamSpace(rsiReversion, 'lower=20..30:2.5'), { lower: { from: 20, to: 30, step: 2.5 } });
  });

  it('names the problem in a bad space', () => {
    throwsCode(() => parseParamSpace(smaCross, 'fsat=5..10'), 'BAD_PARAMETER', /has no parameter 'fsat'/);
    throwsCode(() => parseParamSpace(smaCross, 'fast=5.5..10'), 'BAD_PARAMETER', /'fast' is an integer/);
    throwsCode(() => parseParamSpace(smaCross, 'fast=50..5'), 'BAD_PARAMETER', /goes backwards/);
    throwsCode(() => parseParamSpace(smaCross, 'fast=5..50:0'), 'BAD_PARAMETER', /step must be > 0/);
    throwsCode(() => parseParamSpace(smaCross, 'fast=abc'), 'BAD_PARAMETER', /'fast' must be a number/);
    throwsCode(() => parseParamSpace(smaCross, 'allowShort=0..1'), 'BAD_PARAMETER', /give a list/);
    throwsCode(() => parseParamSpace(smaCross, 'fast=5,fast=6'), 'BAD_PARAMETER', /given twice/);
    throwsCode(() => parseParamSpace(smaCross, '5,10'), 'BAD_PARAMETER', /not name=values/);
  });

  it('the grid is the cartesian product, with fast >= slow filtered out and counted', () => {
    const sets = gridParamSets(smaCross, parseParamSpace(smaCross, 'fast=5..50,slow=20..200'));
    // Independent count: a plain double loop.
    let valid = 0;
    for (let f = 5; f <= 50; f++) for (let s = 20; s <= 200; s++) if (f < s) valid++;
    assert.equal(valid, 7830);
    assert.equal(sets.candidates, 46 * 181);
    assert.equal(sets.sets.length, 7830);
    assert.equal(sets.invalid, 46 * 181 - 7830);
    assert.deepEqual(sets.invalidReasons, [{ reason: "parameter 'fast': fast must be less than slow", count: 496 }]);
    assert.ok(sets.sets.every((p) => (p.fast as number) < (p.slow as number) && p.allowShort === false));
    // Generation order: the last parameter varies fastest.
    assert.deepEqual(sets.sets.slice(0, 2), [{ fast: 5, slow: 20, allowShort: false }, { fast: 5, slow: 21, allowShort: false }]);
    assert.equal(new Set(sets.sets.map((p) => `${p.fast}/${p.slow}`)).size, 7830);
  });

  it('steps, lists and booleans multiply out; schema ranges and cross-field rules are enforced', () => {
    const sets = gridParamSets(smaCross, { fast: { from: 5, to: 50, step: 5 }, slow: { from: 20, to: 200, step: 20 }, allowShort: [true, false] });
    assert.equal(sets.candidates, 10 * 10 * 2);
    let valid = 0;
    for (let f = 5; f <= 50; f += 5) for (let s = 20; s <= 200; s += 20) if (f < s) valid += 2;
    assert.equal(sets.sets.length, valid);
    // rsi: levels must satisfy lower < exit < upper; 0.1 steps stay exact decimals.
    const rsi = gridParamSets(rsiReversion, { lower: { from: 29.7, to: 30.3, step: 0.1 }, exit: [30, 50], upper: [70] });
    assert.deepEqual([...new Set(rsi.sets.map((p) => p.lower))], [29.7, 29.8, 29.9, 30, 30.1, 30.2, 30.3]);
    assert.equal(rsi.invalid, 4); // lower 30..30.3 with exit 30
    assert.match(rsi.invalidReasons[0].reason, /lower < exit < upper/);
    // A window of 0 breaks the schema's minimum.
    const zero = gridParamSets(smaCross, { fast: [0, 1], slow: [5] });
    assert.equal(zero.sets.length, 1);
    assert.equal(zero.invalid, 1);
  });

  it('refuses a grid too large to run', () => {
    throwsCode(() => gridParamSets(smaCross, { fast: { from: 1, to: 2000 }, slow: { from: 2, to: 2000 } }), 'BAD_PARAMETER', new RegExp(`more than ${MAX_GRID_SIZE.toLocaleString('en-US')}.*random search`, 's'));
  });

  it('random search is deterministic per seed, distinct, valid and inside the space', () => {
    const space = { fast: { from: 5, to: 50 }, slow: { from: 20, to: 200, step: 10 } };
    const a = randomParamSets(smaCross, space, { samples: 200, seed: 42 });
    const b = randomParamSets(smaCross, space, { samples: 200, seed: 42 });
    const c = randomParamSets(smaCross, space, { samples: 200, seed: 43 });
    assert.deepEqual(a.sets, b.sets);
    assert.notDeepEqual(a.sets, c.sets);
    assert.equal(a.sets.length, 200);
    assert.equal(new Set(a.sets.map((p) => JSON.stringify(p))).size, 200);
    for (const p of a.sets) {
      const fast = p.fast as number;
      const slow = p.slow as number;
      assert.ok(Number.isInteger(fast) && fast >= 5 && fast <= 50 && slow % 10 === 0 && slow >= 20 && slow <= 200 && fast < slow, JSON.stringify(p));
    }
    assert.equal(a.candidates, a.sets.length + a.invalid + a.duplicates);
  });

  it('random search over a small space stops at what exists and counts repeats', () => {
    const r = randomParamSets(smaCross, { fast: [5, 10], slow: [8, 20] }, { samples: 10, seed: 1, maxDraws: 500 });
    assert.deepEqual(r.sets.map((p) => `${p.fast}/${p.slow}`).sort(), ['10/20', '5/20', '5/8']);
    assert.equal(r.invalid, 1); // 10/8, drawn once (later draws of it are repeats)
    assert.equal(r.candidates, 500);
    assert.equal(r.duplicates, 500 - 4);
  });

  it('continuous ranges draw real numbers for number parameters', () => {
    const r = randomParamSets(rsiReversion, { lower: { from: 10, to: 40 }, exit: { from: 45, to: 55 } }, { samples: 50, seed: 7 });
    assert.equal(r.sets.length, 50);
    assert.ok(r.sets.some((p) => !Number.isInteger(p.lower)));
    assert.ok(r.sets.every((p) => (p.lower as number) >= 10 && (p.lower as number) <= 40));
  });
});
