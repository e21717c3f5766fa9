/**
 * The part of VS Code's notebook renderer API (package `vscode-notebook-renderer`) this
 * renderer uses, declared here rather than adding a dependency for four types.
 */
export interface OutputItem {
  readonly id: string;
  readonly mime: string;
  readonly metadata: unknown;
  text(): string;
  json(): unknown;
  data(): Uint8Array;
}

export interface RendererApi {
  renderOutputItem(outputItem: OutputItem, element: HTMLElement, signal: AbortSignal): void | Promise<void>;
  disposeOutputItem?(id?: string): void;
}

export type ActivationFunction = (context: unknown) => RendererApi | Promise<RendererApi>;
