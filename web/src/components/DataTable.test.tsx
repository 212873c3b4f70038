import { render, screen } from "@testing-library/react";
import type { ColumnDef } from "@tanstack/react-table";
import { beforeAll, describe, expect, it } from "vitest";
import { DataTable, ROW_HEIGHT } from "./DataTable";

beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => 600 });
  Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => 1000 });
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});

interface Row {
  id: number;
  name: string;
}
const columns: Array<ColumnDef<Row, unknown>> = [
  { id: "id", header: "Id", cell: ({ row }) => row.original.id },
  { id: "name", header: "Name", cell: ({ row }) => row.original.name },
];

describe("DataTable", () => {
  it("keeps only the visible window of 1,000 rows in the DOM, with spacers for the rest", () => {
    const data = Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `row ${i}` }));
    render(<DataTable label="Big" data={data} columns={columns} getRowId={(r) => String(r.id)} height={600} />);
    const rows = screen.getAllByTestId("data-row");
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(60);
    expect(rows[0]!.textContent).toBe("0row 0");
    // The table keeps the full scroll height so the scrollbar is right and nothing jumps.
    const spacer = document.querySelector("tbody tr[aria-hidden=true] td") as HTMLElement;
    expect(parseInt(spacer.style.height, 10)).toBe((1000 - rows.length) * ROW_HEIGHT);
    expect(screen.getByRole("table", { name: "Big" }).getAttribute("aria-rowcount")).toBe("1001");
  });
});
