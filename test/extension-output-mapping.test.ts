import { strict as assert } from 'node:assert';
import { CHART_MIME } from '../kernel-lib/plot/chart';
import { bundleItems, continuesStream, ERROR_MIME, STDERR_MIME, STDOUT_MIME, toOutputSpec } from '../extension/kernel/output-mapping';

describe('extension: kernel outputs become notebook output items', () => {
  it('streams map to the stdout/stderr MIME types and remember their stream', () => {
    assert.deepEqual(toOutputSpec({ type: 'stream', name: 'stdout', text: 'hi\n' }), { stream: 'stdout', items: [{ mime: STDOUT_MIME, text: 'hi\n' }] });
    assert.deepEqual(toOutputSpec({ type: 'stream', name: 'stderr', text: 'warn\n' }), { stream: 'stderr', items: [{ mime: STDERR_MIME, text: 'warn\n' }] });
  });

  it('a chart bundle keeps both the interactive spec (as JSON) and the static HTML', () => {
    const chart = { kind: 'quantbook.chart', version: 1, data: {}, marks: [] };
    const spec = toOutputSpec({ type: 'display', data: { [CHART_MIME]: chart, 'text/html': '<svg></svg>', 'text/plain': 'Chart' } });
    assert.deepEqual(spec.items, [
      { mime: CHART_MIME, json: chart },
      { mime: 'text/html', text: '<svg></svg>' },
      { mime: 'text/plain', text: 'Chart' },
    ]);
    assert.equal(spec.stream, undefined);
  });

  it('JSON types given as strings are parsed; images stay base64; nbformat line arrays are joined', () => {
    assert.deepEqual(bundleItems({ 'application/json': '{"a":1}', 'application/vnd.x+json': 'not json' }), [
      { mime: 'application/json', json: { a: 1 } },
      { mime: 'application/vnd.x+json', json: 'not json' },
    ]);
    assert.deepEqual(bundleItems({ 'image/png': 'iVBO\nRw0K', 'text/html': ['<b>', 'x</b>'] }), [
      { mime: 'image/png', base64: 'iVBORw0K' },
      { mime: 'text/html', text: '<b>x</b>' },
    ]);
    assert.deepEqual(bundleItems({ 'text/plain': null, 'text/markdown': undefined }), []);
  });

  it('the last value (result) maps like a display', () => {
    assert.deepEqual(toOutputSpec({ type: 'result', data: { 'text/plain': '42' } }).items, [{ mime: 'text/plain', text: '42' }]);
  });

  it('errors carry name, message with the cell line, and the traceback as stack', () => {
    const spec = toOutputSpec({ type: 'error', ename: 'TypeError', evalue: 'x is not a function', line: 3, traceback: ['TypeError: x is not a function', '    at cell [2], line 3'] });
    assert.deepEqual(spec.items, [{
      mime: ERROR_MIME,
      json: { name: 'TypeError', message: 'x is not a function (cell line 3)', stack: 'TypeError: x is not a function (cell line 3)\n    at cell [2], line 3' },
    }]);
    const compile = toOutputSpec({ type: 'error', ename: 'CompileError', evalue: "Cannot find name 'y'.", line: 1, traceback: ["line 1, col 0: Cannot find name 'y'."] });
    assert.equal((compile.items[0] as { json: { stack: string } }).json.stack, "CompileError: Cannot find name 'y'. (cell line 1)\nline 1, col 0: Cannot find name 'y'.");
    const noLine = toOutputSpec({ type: 'error', ename: 'KernelDied', evalue: 'signal SIGKILL', traceback: [] });
    assert.deepEqual(noLine.items, [{ mime: ERROR_MIME, json: { name: 'KernelDied', message: 'signal SIGKILL', stack: 'KernelDied: signal SIGKILL' } }]);
  });

  it('only consecutive chunks of the same stream continue one output', () => {
    const out = toOutputSpec({ type: 'stream', name: 'stdout', text: 'a' });
    const err = toOutputSpec({ type: 'stream', name: 'stderr', text: 'b' });
    const display = toOutputSpec({ type: 'display', data: { 'text/plain': 'c' } });
    assert.equal(continuesStream(out, toOutputSpec({ type: 'stream', name: 'stdout', text: 'd' })), true);
    assert.equal(continuesStream(out, err), false);
    assert.equal(continuesStream(display, out), false);
    assert.equal(continuesStream(out, display), false);
    assert.equal(continuesStream(undefined, out), false);
  });
});
