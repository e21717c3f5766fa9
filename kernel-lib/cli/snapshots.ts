import { DataCatalog } from '../data/catalog';
import { openSample, sampleDir } from '../data/sample';
import { printJson, stringOption, type Command } from './command';

export const snapshotsCommand: Command = {
  name: 'snapshots',
  summary: 'list the snapshots in the catalog (every version) and the embedded sample',
  usage: 'quantbook snapshots [--catalog DIR] [--json]',
  options: { catalog: { type: 'string' } },
  async run(args) {
    const catalog = new DataCatalog(stringOption(args, 'catalog'));
    const manifests = await catalog.list();
    const sample = sampleDir() ? (await openSample()).manifest : null;
    if (args.values.json) {
      // { root, snapshots: Manifest[] (by name, oldest first), sample: Manifest | null }
      printJson({ root: catalog.root, snapshots: manifests, sample });
      return 0;
    }
    console.log(`catalog ${catalog.root}`);
    if (manifests.length === 0) console.log('  (empty: add one with `quantbook import FILE --name NAME`)');
    const latest = new Map(manifests.map((m) => [m.name, m.snapshot_id]));
    for (const m of manifests) {
      const flag = latest.get(m.name) === m.snapshot_id ? ' (latest)' : '';
      console.log(`  ${m.snapshot_id.padEnd(32)} ${m.created_at.slice(0, 19).replace('T', ' ')}  ${String(m.tables.prices.rows).padStart(9)} rows  ${String(m.securities).padStart(5)} securities  ${m.date_range.start}..${m.date_range.end}${flag}`);
    }
    if (sample) console.log(`embedded sample: ${sample.snapshot_id} (${sample.securities} securities, ${sample.date_range.start}..${sample.date_range.end}); open it as 'sample'`);
    return 0;
  },
};
