import { strict as assert } from 'node:assert';
import { ProgressTracker, parseSuiteEvent } from '../extension/suite/suite-events';

describe('extension: the suite progress protocol', () => {
  it('parses progress, result and error lines as docs/suite.md writes them', () => {
    assert.deepEqual(parseSuiteEvent('{"type":"progress","done":7,"total":27,"label":"mysignal lag0_industry"}'), { type: 'progress', done: 7, total: 27, label: 'mysignal lag0_industry' });
    assert.deepEqual(parseSuiteEvent('{"type":"result","tearsheet":"/o/tearsheet.html","out":"/o","run_id":"20261121-1","verdict":"red"}'), {
      type: 'result', tearsheet: '/o/tearsheet.html', out: '/o', run_id: '20261121-1', verdict: 'red',
    });
    assert.deepEqual(parseSuiteEvent('{"type":"result","tearsheet":"/o/t.html","out":"/o","run_id":null,"verdict":"green"}')?.type, 'result');
    assert.deepEqual(parseSuiteEvent('{"type":"error","code":"SIGNAL_NOT_USABLE","message":"no rows"}'), { type: 'error', code: 'SIGNAL_NOT_USABLE', message: 'no rows' });
  });

  it('ignores anything else on stderr', () => {
    for (const line of ['', 'warning: something', '{broken json', '{"type":"progress","done":"x"}', '{"type":"other"}', '[1,2]']) {
      assert.equal(parseSuiteEvent(line), undefined, line);
    }
  });

  it('progress increments add up to the share done and never go backwards when the total grows', () => {
    const t = new ProgressTracker();
    assert.equal(t.increment(0, 6), 0);
    assert.equal(t.increment(3, 6), 50);
    // the job list became known: 3 of 27 is less than what was shown; nothing is added
    assert.equal(t.increment(3, 27), 0);
    assert.equal(t.increment(27, 54), 0);
    assert.equal(t.increment(54, 54), 50);
    assert.equal(t.increment(60, 54), 0);
    assert.equal(new ProgressTracker().increment(1, 0), 0);
  });
});
