import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { tempDir } from './helpers';

const ROOT = resolve(__dirname, '..');

/**
 * A snippet body as VS Code inserts it when every placeholder keeps its default:
 * `${1:x}` -> x, `${2|a,b|}` -> a, a bare `$1` repeats placeholder 1's value, `$0` -> nothing.
 */
function expandSnippet(body: string[]): string {
  const text = body.join('\n');
  const defaults = new Map<string, string>();
  for (const m of text.matchAll(/\$\{(\d+):([^}]*)\}/g)) defaults.set(m[1], m[2]);
  for (const m of text.matchAll(/\$\{(\d+)\|([^,|]*)[^|]*\|\}/g)) defaults.set(m[1], m[2]);
  return text
    .replace(/\$\{(\d+)\|([^,|]*)[^|]*\|\}/g, '$2')
    .replace(/\$\{(\d+):([^}]*)\}/g, '$2')
    .replace(/\$(\d+)/g, (_all, n: string) => defaults.get(n) ?? '');
}

describe('extension: snippets compile against the API', function () {
  this.timeout(120_000);

  it('expands placeholders to their defaults, mirrors included', () => {
    assert.equal(expandSnippet(['const ${1:x} = ${2|a,b|};', 'qb.show($1);$0']), 'const x = a;\nqb.show(x);');
  });

  it('every snippet, expanded with its defaults, type-checks in order as the cells of one notebook', () => {
    const snippets = JSON.parse(readFileSync(join(ROOT, 'snippets', 'quantbook.code-snippets'), 'utf8')) as Record<string, { prefix: string; body: string[] }>;
    // one snippet's default names are what the next one uses (snapshot, research, ...)
    const cells = Object.values(snippets).filter((s) => s.prefix !== 'qb-import').map((s) => expandSnippet(s.body));
    const source = [`import * as qb from ${JSON.stringify(join(ROOT, 'kernel-lib'))};`, 'export async function notebook() {', ...cells, '}'].join('\n');
    const file = join(tempDir('quantbook-snippets-'), 'notebook.ts');
    writeFileSync(file, source);
    const program = ts.createProgram([file], {
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
      strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')],
    });
    const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
    const text = errors.map((d) => `line ${ts.getLineAndCharacterOfPosition(d.file!, d.start!).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    assert.deepEqual(text, [], `the snippets do not compile:\n${text.join('\n')}\n\n${source}`);
  });
});
