import { QuantbookError } from '../errors';
import { DataCatalog } from '../data/catalog';
import { validateSignalFile } from '../contract/read-signal';
import { formatReport } from '../contract/report';
import { numberOption, printJson, stringOption, type Command } from './command';

const USAGE = 'quantbook validate <signal.csv|signal.parquet> [--snapshot NAME] [--catalog DIR] [--lag BARS] [--today YYYY-MM-DD] [--json]';

/**
 * `quantbook validate`: the signal contract report for one file. Exit 0 when the signal can be
 * used (warnings only), 1 when it cannot (any error, including a file that cannot be read as a
 * table), 2 for bad arguments or a missing file.
 */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a signal file against the signal contract (and a snapshot): every problem with column, rows, example and fix',
  usage: USAGE,
  options: {
    snapshot: { type: 'string' },
    catalog: { type: 'string' },
    lag: { type: 'string' },
    today: { type: 'string' },
  },
  async run(args) {
    if (args.positionals.length !== 1) {
      throw new QuantbookError(
        'BAD_ARGUMENT',
        args.positionals.length === 0 ? 'quantbook validate: which signal file? (none given)' : `quantbook validate: one signal file at a time (got ${args.positionals.length})`,
        `usage: ${USAGE}`,
      );
    }
    const file = args.positionals[0];
    const snapshotName = stringOption(args, 'snapshot');
    const snapshot = snapshotName ? await new DataCatalog(stringOption(args, 'catalog')).open(snapshotName) : undefined;
    const report = await validateSignalFile(file, { snapshot, lag: numberOption(args, 'lag'), today: stringOption(args, 'today') });
    if (args.values.json) printJson(report);
    else console.log(formatReport(report));
    return report.ok ? 0 : 1;
  },
};
