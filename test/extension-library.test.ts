import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { blankNotebook, describeNotebook, exampleNotebooks, notebookFromTemplate, notebookHeading } from '../extension/library/notebook-library';
import { tempDir } from './helpers';

function ipynb(cells: object[]): string {
  return JSON.stringify({ cells, metadata: { kernelspec: { name: 'tslab' } }, nbformat: 4, nbformat_minor: 5 });
}

describe('extension: notebook library and templates', () => {
  const dir = tempDir('quantbook-library-');

  it('titles a notebook by its first markdown heading and summarizes the paragraph after it', () => {
    const text = ipynb([
      { cell_type: 'code', source: ['# not markdown\n'], outputs: [] },
      { cell_type: 'markdown', source: ['Some intro without a heading\n'] },
      { cell_type: 'markdown', source: ['## Momentum research\n', '\n', 'Ranks the S&P 500\n', 'by 12-1 momentum.\n', '\n', 'Second paragraph.'] },
    ]);
    assert.deepEqual(notebookHeading(text, 'fallback'), { title: 'Momentum research', summary: 'Ranks the S&P 500 by 12-1 momentum.' });
  });

  it('falls back to the file name for a notebook without a heading or with broken JSON', async () => {
    assert.deepEqual(notebookHeading(ipynb([{ cell_type: 'markdown', source: 'plain text' }]), 'nb'), { title: 'nb' });
    assert.deepEqual(notebookHeading('{ not json', 'nb'), { title: 'nb' });
    const broken = join(dir, 'broken.ipynb');
    writeFileSync(broken, '{');
    assert.deepEqual(await describeNotebook(broken), { path: broken, title: 'broken' });
  });

  it('lists examples quickstart first, then alphabetically, ignoring other files', async () => {
    for (const name of ['wfa.ipynb', 'backtest.ipynb', 'quickstart.ipynb', 'notes.md']) {
      writeFileSync(join(dir, name), ipynb([{ cell_type: 'markdown', source: `# ${name}` }]));
    }
    const list = await exampleNotebooks(dir);
    assert.deepEqual(list.map((n) => n.title), ['quickstart.ipynb', 'backtest.ipynb', 'broken', 'wfa.ipynb']);
    assert.deepEqual(await exampleNotebooks(join(dir, 'missing')), []);
  });

  it('a notebook from a template keeps cells and metadata but no outputs or execution counts', () => {
    const template = ipynb([
      { cell_type: 'markdown', source: ['# T'], metadata: {} },
      { cell_type: 'code', source: ['1 + 1'], execution_count: 7, outputs: [{ output_type: 'execute_result', data: { 'text/plain': '2' } }], metadata: {} },
    ]);
    const copy = JSON.parse(notebookFromTemplate(template));
    assert.equal(copy.cells.length, 2);
    assert.deepEqual(copy.cells[1], { cell_type: 'code', source: ['1 + 1'], execution_count: null, outputs: [], metadata: {} });
    assert.deepEqual(copy.cells[0], { cell_type: 'markdown', source: ['# T'], metadata: {} });
    assert.deepEqual(copy.metadata, { kernelspec: { name: 'tslab' } });
  });

  it('the blank template is a valid nbformat 4 TypeScript notebook that imports the API', () => {
    const nb = JSON.parse(blankNotebook('My research'));
    assert.equal(nb.nbformat, 4);
    assert.equal(nb.metadata.kernelspec.name, 'tslab');
    assert.equal(nb.metadata.language_info.name, 'typescript');
    assert.deepEqual(notebookHeading(JSON.stringify(nb), 'x'), { title: 'My research' });
    assert.match(nb.cells[1].source.join(''), /import \* as qb from 'quantbook'/);
  });
});
