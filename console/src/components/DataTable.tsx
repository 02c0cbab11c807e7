import type { ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert';

interface Props<T> {
  caption: string;
  columns: string[];
  /** A loaded list (see useLoad): its rows, whether it is loading, its load error. */
  list: { data: T[]; loading: boolean; error: unknown };
  /** The error of the last action on the table's rows. */
  error: unknown;
  /** What the table says when the list is empty. */
  empty: string;
  /** One <tr key=…> a row. */
  row: (item: T) => ReactNode;
}

/** A list page's table, with its load and action errors above it. */
export function DataTable<T>({ caption, columns, list, error, empty, row }: Props<T>) {
  return (
    <>
      <ErrorAlert error={list.error} />
      <ErrorAlert error={error} />
      <div className="table-wrap">
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {list.data.length === 0 && (
              <tr>
                <td colSpan={columns.length}>{list.loading ? 'Loading…' : empty}</td>
              </tr>
            )}
            {list.data.map(row)}
          </tbody>
        </table>
      </div>
    </>
  );
}
