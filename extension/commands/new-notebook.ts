import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { blankNotebook, exampleNotebooks, notebookFromTemplate } from '../library/notebook-library';
import type { QuantbookEnv } from '../quantbook-env';

/**
 * "New notebook from template": the blank template or a copy of an example (outputs
 * cleared), saved under the workspace's notebooks/ folder and opened.
 */
export async function newNotebookFromTemplate(env: QuantbookEnv, examplesDir: string, templatePath?: string): Promise<vscode.Uri | undefined> {
  const examples = await exampleNotebooks(examplesDir);
  let template: { label: string; path?: string } | undefined = templatePath ? { label: templatePath, path: templatePath } : undefined;
  if (!template) {
    template = await vscode.window.showQuickPick(
      [
        { label: 'Blank notebook', description: 'a heading and the Quantbook import' },
        ...examples.map((e) => ({ label: e.title, description: basename(e.path), detail: e.summary, path: e.path })),
      ],
      { title: 'New notebook from template', matchOnDetail: true },
    );
  }
  if (!template) return undefined;

  const suggested = template.path ? `my-${basename(template.path, '.ipynb')}` : 'research';
  const target = await chooseTarget(env, suggested);
  if (!target) return undefined;
  const title = basename(target.fsPath, '.ipynb').replace(/[-_]+/g, ' ');
  const text = template.path ? notebookFromTemplate(await readFile(template.path, 'utf8')) : blankNotebook(title);
  await mkdir(dirname(target.fsPath), { recursive: true });
  await writeFile(target.fsPath, text);
  env.log(`new notebook ${target.fsPath} from ${template.path ?? 'the blank template'}`);
  await vscode.commands.executeCommand('vscode.openWith', target, 'jupyter-notebook');
  return target;
}

/** notebooks/NAME.ipynb in the workspace (asking for NAME), or a save dialog without a workspace. */
async function chooseTarget(env: QuantbookEnv, suggested: string): Promise<vscode.Uri | undefined> {
  const ws = env.workspaceRoot();
  if (!ws) {
    return vscode.window.showSaveDialog({ filters: { 'Jupyter notebook': ['ipynb'] }, title: 'Save the new notebook', saveLabel: 'Create' });
  }
  const dir = join(ws, 'notebooks');
  const name = await vscode.window.showInputBox({
    title: 'New notebook from template',
    prompt: `File name in ${vscode.workspace.asRelativePath(dir)}/`,
    value: uniqueName(dir, suggested),
    validateInput: (v) => {
      const file = v.endsWith('.ipynb') ? v : `${v}.ipynb`;
      if (!/^[\w][\w .-]*$/.test(v)) return 'use letters, digits, spaces, dot, dash and underscore';
      if (existsSync(join(dir, file))) return `${file} already exists`;
      return undefined;
    },
  });
  if (!name) return undefined;
  return vscode.Uri.file(join(dir, name.endsWith('.ipynb') ? name : `${name}.ipynb`));
}

function uniqueName(dir: string, base: string): string {
  if (!existsSync(join(dir, `${base}.ipynb`))) return base;
  for (let i = 2; ; i++) if (!existsSync(join(dir, `${base}-${i}.ipynb`))) return `${base}-${i}`;
}
