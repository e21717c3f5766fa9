import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNotebook } from '../kernel-lib/notebook/ipynb';
import { runNotebook } from '../kernel-lib/notebook/notebook-runner';
import { tempDir } from './helpers';
import { ensureBuilt, ROOT } from './notebook-support';

const NOTEBOOKS = join(ROOT, 'notebooks');
const notebooks = readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.ipynb')).sort();

/** CI runs every example notebook top to bottom, as `quantbook run` does; any cell error fails it. */
describe('notebooks: every example notebook runs without a cell error', function () {
  this.timeout(300_000);
  let runs: string;
  before(() => {
    ensureBuilt();
    runs = tempDir('quantbook-notebooks-');
  });

  it('there is at least the quickstart', () => {
    assert.ok(notebooks.includes('quickstart.ipynb'), notebooks.join(', '));
  });

  for (const file of notebooks) {
    it(file, async () => {
      const source = parseNotebook(readFileSync(join(NOTEBOOKS, file), 'utf8'), file);
      assert.deepEqual((source.metadata.kernelspec as { name?: string } | undefined)?.name, 'tslab', `${file}: kernelspec tslab, so Jupyter runs it too`);
      const run = await runNotebook(join(NOTEBOOKS, file), { runs, cellTimeoutMs: 240_000 });
      const problems = run.errors.map((e) => `cell ${e.index + 1}${e.line !== undefined ? `, line ${e.line}` : ''}: ${e.ename}: ${e.evalue}`);
      assert.deepEqual(problems, [], `${file} failed`);
      assert.ok(run.cells.length > 0);
    });
  }
});
