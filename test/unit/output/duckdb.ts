// DuckDB (npm @duckdb/node-api, a devDependency): the independent Parquet reader of the tests.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** JS values with integers as numbers (every integer the tests read fits a double exactly). */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) return v;
    return Number(v);
  }
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

export class Duck {
  private constructor(private readonly c: DuckDBConnection) {}

  static async open(): Promise<Duck> {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    // Times in results and date_trunc are UTC whatever the machine's zone.
    await c.run("SET TimeZone = 'UTC'");
    return new Duck(c);
  }

  async rows(sql: string): Promise<Record<string, unknown>[]> {
    const r = await this.c.runAndReadAll(sql);
    return r.getRowObjectsJS().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)])));
  }

  close(): void {
    this.c.closeSync();
  }
}

/** A path as an SQL string literal. */
export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
