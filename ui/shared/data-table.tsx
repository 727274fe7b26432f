/**
 * A table that scrolls sideways on narrow screens instead of squeezing its columns: the header row from
 * `columns`, the rows as children.
 */
import { Table, type TableProps } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * A column's header: its text, or its content and width. `false` leaves the column out (actions the user
 * may not take, say).
 */
export type Column = string | { header: ReactNode; w?: number } | false;

export interface DataTableProps extends TableProps {
  /** Below this width the table scrolls. */
  minWidth: number;
  /** None: a table without a header row. */
  columns?: readonly Column[];
  children: ReactNode;
}

export function DataTable({ minWidth, columns, children, ...table }: DataTableProps) {
  const shown = (columns ?? []).filter((column) => column !== false);
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table {...table}>
        {shown.length > 0 && (
          <Table.Thead>
            <Table.Tr>
              {shown.map((column, i) =>
                typeof column === 'string' ? (
                  <Table.Th key={i}>{column}</Table.Th>
                ) : (
                  <Table.Th key={i} w={column.w}>
                    {column.header}
                  </Table.Th>
                ),
              )}
            </Table.Tr>
          </Table.Thead>
        )}
        <Table.Tbody>{children}</Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
