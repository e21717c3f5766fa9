// nodejs-polars' `pl` namespace lacks the LazyFrame and DataType type names that its docs
// (and every polars user) reach for; alias them so `pl.LazyFrame` and `pl.DataType` typecheck.
import type { LazyDataFrame, DataType as PolarsDataType } from 'nodejs-polars';

declare module 'nodejs-polars' {
  namespace pl {
    type LazyFrame = LazyDataFrame;
    type DataType = PolarsDataType;
  }
}
