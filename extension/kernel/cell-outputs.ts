import * as vscode from 'vscode';
import type { KernelOutput } from '../../kernel-lib/notebook/protocol';
import { continuesStream, toOutputSpec, type OutputItemSpec, type OutputSpec } from './output-mapping';

const encoder = new TextEncoder();

export function toCellOutputItem(item: OutputItemSpec): vscode.NotebookCellOutputItem {
  if ('json' in item) return vscode.NotebookCellOutputItem.json(item.json, item.mime);
  if ('base64' in item) return new vscode.NotebookCellOutputItem(Buffer.from(item.base64, 'base64'), item.mime);
  return new vscode.NotebookCellOutputItem(encoder.encode(item.text), item.mime);
}

/**
 * Writes a cell's kernel outputs into its execution in arrival order: VS Code's output
 * calls are asynchronous, so they are chained; chunks of one stream in a row go into one output.
 */
export class CellOutputWriter {
  private chain: Thenable<void> = Promise.resolve();
  private last: { spec: OutputSpec; output: vscode.NotebookCellOutput } | undefined;

  constructor(private readonly execution: vscode.NotebookCellExecution) {}

  write(kernelOutput: KernelOutput): void {
    const spec = toOutputSpec(kernelOutput);
    const items = spec.items.map(toCellOutputItem);
    const last = this.last;
    if (last && continuesStream(last.spec, spec)) {
      this.chain = this.chain.then(() => this.execution.appendOutputItems(items, last.output));
      return;
    }
    const output = new vscode.NotebookCellOutput(items);
    this.last = { spec, output };
    this.chain = this.chain.then(() => this.execution.appendOutput(output));
  }

  /** Resolves when every output written so far is in the notebook. */
  flushed(): Thenable<void> {
    return this.chain;
  }
}
