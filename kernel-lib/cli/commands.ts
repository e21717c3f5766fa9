import type { Command } from './command';
import { importCommand } from './import';
import { snapshotsCommand } from './snapshots';
import { validateCommand } from './validate';
import { researchCommand } from './research';
import { backtestCommand } from './backtest';
import { optimizeCommand } from './optimize';
import { wfaCommand } from './wfa';
import { suiteCommand } from './suite';
import { runCommand } from './run';
import { historyCommand } from './history';
import { demoCommand } from './demo';

/** Every CLI command, in the order `quantbook --help` lists them (the order of a research day). */
export const commands: Command[] = [
  importCommand,
  snapshotsCommand,
  validateCommand,
  researchCommand,
  backtestCommand,
  optimizeCommand,
  wfaCommand,
  suiteCommand,
  runCommand,
  historyCommand,
  demoCommand,
];
