import type { Command } from './command';
import { historyCommand } from './history';
import { runCommand } from './run';
import { backtestCommand } from './backtest';
import { importCommand } from './import';
import { snapshotsCommand } from './snapshots';
import { demoCommand } from './demo';
import { suiteCommand } from './suite';
import { validateCommand } from './validate';
import { researchCommand } from './research';
import { optimizeCommand } from './optimize';
import { wfaCommand } from './wfa';

/** Every CLI command, in the order `quantbook --help` lists them. Add new commands here. */
export const commands: Command[] = [
  historyCommand,
  runCommand,
  backtestCommand,
  importCommand,
  snapshotsCommand,
  demoCommand,
  suiteCommand,
  validateCommand,
  researchCommand,
  optimizeCommand,
  wfaCommand,
];
