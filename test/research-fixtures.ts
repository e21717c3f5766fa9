import pl from 'nodejs-polars';

/** A long price panel from {security: [[day, close], ...]} (days of January 2020). */
export function handPanel(bars: Record<string, [number, number][]>): pl.DataFrame {
  const security_id: string[] = [];
  const date: Date[] = [];
  const close: number[] = [];
  for (const [s, rows] of Object.entries(bars)) {
    for (const [d, c] of rows) {
      security_id.push(s);
      date.push(new Date(Date.UTC(2020, 0, d)));
      close.push(c);
    }
  }
  return pl.DataFrame({ security_id, date, close }).withColumns(pl.col('date').cast(pl.Date));
}

/** A signal-contract table from [security, day, value] rows with date_sig = date_avail = that day of January 2020. */
export function signalTable(rows: [string, number, number][]): pl.DataFrame {
  const dates = rows.map(([, d]) => new Date(Date.UTC(2020, 0, d)));
  return pl.DataFrame({ security_id: rows.map((r) => r[0]), date_sig: dates, date_avail: dates, signal: rows.map((r) => r[2]) })
    .withColumns(pl.col('date_sig').cast(pl.Date), pl.col('date_avail').cast(pl.Date));
}
