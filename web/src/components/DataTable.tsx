/**
 * Virtualised table: only the rows in view are in the DOM, so 1,000+ rows scroll smoothly.
 * Columns are TanStack Table definitions; rows have a fixed height (no layout jumps).
 */
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";

export const ROW_HEIGHT = 33;

export function DataTable<T>({
  data,
  columns,
  getRowId,
  onRowActivate,
  height = 520,
  label,
  testId,
}: {
  data: T[];
  columns: Array<ColumnDef<T, unknown>>;
  getRowId: (row: T, index: number) => string;
  onRowActivate?: (row: T) => void;
  height?: number;
  label: string;
  testId?: string;
}) {
  const table = useReactTable({ data, columns, getCoreRowModel: getCoreRowModel(), getRowId });
  const scroller = useRef<HTMLDivElement>(null);
  const rows = table.getRowModel().rows;
  const v = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: { width: 1000, height },
  });
  const items = v.getVirtualItems();
  const padTop = items.length ? items[0]!.start : 0;
  const padBottom = items.length ? v.getTotalSize() - items[items.length - 1]!.end : 0;
  const colCount = table.getVisibleLeafColumns().length;

  return (
    // Focusable so keyboard users can scroll it (arrow keys / Page Down).
    <div ref={scroller} className="panel overflow-auto" style={{ height }} data-testid={testId} tabIndex={0} role="region" aria-label={`${label} (scrollable)`}>
      <table className="table" aria-label={label} aria-rowcount={rows.length + 1}>
        <thead>
          {table.getHeaderGroups().map((hg) => (
            <tr key={hg.id}>
              {hg.headers.map((h) => (
                <th key={h.id} style={{ minWidth: h.column.columnDef.size }} scope="col">
                  {h.isPlaceholder ? null : flexRender(h.column.columnDef.header, h.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {padTop > 0 ? (
            <tr aria-hidden="true">
              <td colSpan={colCount} style={{ height: padTop, padding: 0, border: 0 }} />
            </tr>
          ) : null}
          {items.map((vi) => {
            const row = rows[vi.index]!;
            return (
              <tr
                key={row.id}
                aria-rowindex={vi.index + 2}
                style={{ height: ROW_HEIGHT }}
                className={onRowActivate ? "cursor-pointer" : undefined}
                onDoubleClick={onRowActivate ? () => onRowActivate(row.original) : undefined}
                data-testid="data-row"
              >
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id} className="max-w-[28rem] truncate py-1">
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                ))}
              </tr>
            );
          })}
          {padBottom > 0 ? (
            <tr aria-hidden="true">
              <td colSpan={colCount} style={{ height: padBottom, padding: 0, border: 0 }} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
