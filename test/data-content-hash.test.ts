import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import pl from 'nodejs-polars';
import { contentHash, CONTENT_HASH_VERSION } from '../kernel-lib/data/content-hash';

/** The documented serialization (docs/data.md), written out by hand for a tiny table. */
function expectedDigest(): string {
  const h = createHash('sha256');
  const field = (s: string) => h.update(Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]));
  field(CONTENT_HASH_VERSION);
  field('table:prices');
  field('rows:2');
  // date: 2015-01-05 is day 16440, the second is null
  field('column:date:date');
  h.update(Buffer.from([0, 1]));
  const days = Buffer.alloc(8);
  days.writeInt32LE(16440, 0);
  days.writeInt32LE(0, 4);
  h.update(days);
  h.update(Buffer.from([0]));
  // security_id: 'AB', 'é' (lengths in code points, then the UTF-8 bytes)
  field('column:security_id:utf8');
  h.update(Buffer.from([0, 0]));
  const lengths = Buffer.alloc(8);
  lengths.writeUInt32LE(2, 0);
  lengths.writeUInt32LE(1, 4);
  h.update(lengths);
  h.update(Buffer.from('ABé', 'utf8'));
  h.update(Buffer.from([0]));
  // close: 1.5, null
  field('column:close:f64');
  h.update(Buffer.from([0, 1]));
  const closes = Buffer.alloc(16);
  closes.writeDoubleLE(1.5, 0);
  closes.writeDoubleLE(0, 8);
  h.update(closes);
  h.update(Buffer.from([0]));
  return h.digest('hex');
}

const tiny = () =>
  pl.DataFrame([
    pl.Series('date', [16440, null], pl.Int32).cast(pl.Date),
    pl.Series('security_id', ['AB', 'é'], pl.Utf8),
    pl.Series('close', [1.5, null], pl.Float64),
  ]);

describe('data: content hash of a snapshot', () => {
  it('matches the documented serialization, computed independently', async () => {
    assert.equal(await contentHash([{ name: 'prices', frame: tiny() }]), expectedDigest());
  });

  it('changes with any value, a null, a column name, the row count or the table name', async () => {
    const base = await contentHash([{ name: 'prices', frame: tiny() }]);
    const variants = [
      tiny().withColumns(pl.Series('close', [1.5000000001, null])),
      tiny().withColumns(pl.Series('close', [1.5, 0])),
      tiny().rename({ close: 'Close' }),
      tiny().head(1),
      tiny().withColumns(pl.Series('security_id', ['A', 'Bé'])),
    ];
    const hashes = await Promise.all(variants.map((frame) => contentHash([{ name: 'prices', frame }])));
    hashes.push(await contentHash([{ name: 'other', frame: tiny() }]));
    assert.equal(new Set([base, ...hashes]).size, hashes.length + 1);
  });

  it('does not depend on how the frame was built (chunks, dtype widths) or on NaN bit patterns', async () => {
    const a = pl.DataFrame({ x: [1, 2, 3, NaN], s: ['a', 'b', 'c', 'd'] });
    const chunked = pl.concat([a.head(2), a.tail(2)], { rechunk: false, how: 'vertical' });
    const ints = pl.DataFrame({ x: pl.Series('x', [1, 2, 3], pl.Int64) });
    assert.equal(await contentHash([{ name: 't', frame: a }]), await contentHash([{ name: 't', frame: chunked }]));
    assert.equal(await contentHash([{ name: 't', frame: ints }]), await contentHash([{ name: 't', frame: pl.DataFrame({ x: [1, 2, 3] }) }]));
  });

  it('intraday timestamps hash as milliseconds since the epoch', async () => {
    const t = Date.UTC(2017, 3, 19, 9);
    const frame = pl.DataFrame([pl.Series('date', [t], pl.Int64).cast(pl.Datetime('ms')).dt.replaceTimeZone('UTC')]);
    const h = createHash('sha256');
    const field = (s: string) => h.update(Buffer.concat([Buffer.from(s), Buffer.from([0])]));
    field(CONTENT_HASH_VERSION);
    field('table:t');
    field('rows:1');
    field('column:date:datetime_ms_utc');
    h.update(Buffer.from([0]));
    const v = Buffer.alloc(8);
    v.writeDoubleLE(t, 0);
    h.update(v);
    h.update(Buffer.from([0]));
    assert.equal(await contentHash([{ name: 't', frame }]), h.digest('hex'));
  });
});
