import type { Command } from './command';

/** Every CLI command, in the order `quantbook --help` lists them. Add new commands here. */
export const commands: Command[] = [];
