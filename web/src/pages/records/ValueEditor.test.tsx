import { fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { BIN_TYPES, formatValue, parseValue, valuesEqual, type BinType, type TypedValue } from "../../lib/values";
import { draftValue, ValueEditor, type ValueDraft } from "./ValueEditor";

function Harness({ initial, onDraft }: { initial: ValueDraft; onDraft: (d: ValueDraft) => void }) {
  const [d, setD] = useState(initial);
  return (
    <ValueEditor
      idPrefix="t"
      label="Bin x"
      draft={d}
      onChange={(n) => {
        setD(n);
        onDraft(n);
      }}
    />
  );
}

const examples: Record<Exclude<BinType, "nil" | "list" | "map" | "geojson">, [string, TypedValue]> = {
  string: ["hello", { type: "string", value: "hello" }],
  int: ["-9223372036854775808", { type: "int", value: -9223372036854775808n }],
  float: ["2.5", { type: "float", value: 2.5 }],
  bool: ["true", { type: "bool", value: true }],
  bytes: ["AAEC", { type: "bytes", value: new Uint8Array([0, 1, 2]) }],
};

describe("ValueEditor", () => {
  for (const [type, [text, expected]] of Object.entries(examples) as Array<[BinType, [string, TypedValue]]>) {
    it(`edits a ${type} and yields the same typed value`, () => {
      let last: ValueDraft = { type: "string", text: "" };
      render(<Harness initial={{ type: "string", text: "" }} onDraft={(d) => (last = d)} />);
      fireEvent.change(screen.getByLabelText("Bin x type"), { target: { value: type } });
      fireEvent.change(screen.getByLabelText("Bin x value"), { target: { value: text } });
      const v = draftValue(last);
      expect(v.ok && valuesEqual(v.value, expected)).toBe(true);
      // and back: the formatted value re-parses to the same thing
      expect(formatValue(expected)).toBe(text);
    });
  }

  it("shows the type's validation error and marks the field invalid", () => {
    render(<Harness initial={{ type: "int", text: "1" }} onDraft={() => {}} />);
    const input = screen.getByLabelText("Bin x value");
    fireEvent.change(input, { target: { value: "1.5" } });
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText(/not an integer/)).toBeTruthy();
  });

  it("switching type keeps compatible text and templates the rest", () => {
    let last: ValueDraft = { type: "int", text: "42" };
    render(<Harness initial={last} onDraft={(d) => (last = d)} />);
    fireEvent.change(screen.getByLabelText("Bin x type"), { target: { value: "float" } });
    expect(last).toEqual({ type: "float", text: "42" });
    fireEvent.change(screen.getByLabelText("Bin x type"), { target: { value: "map" } });
    expect(last).toEqual({ type: "map", text: "{}" });
    fireEvent.change(screen.getByLabelText("Bin x type"), { target: { value: "geojson" } });
    expect(parseValue("geojson", last.text).ok).toBe(true);
  });

  it("offers every bin type", () => {
    render(<Harness initial={{ type: "string", text: "" }} onDraft={() => {}} />);
    const opts = Array.from((screen.getByLabelText("Bin x type") as HTMLSelectElement).options).map((o) => o.value);
    expect(opts).toEqual([...BIN_TYPES]);
  });
});
