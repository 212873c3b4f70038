import { fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { Segmented } from "./ui";

function Harness() {
  const [v, setV] = useState<"a" | "b" | "c">("b");
  return (
    <Segmented
      label="Pick"
      value={v}
      onChange={setV}
      options={[
        { value: "a", label: "Alpha" },
        { value: "b", label: "Beta" },
        { value: "c", label: "Gamma" },
      ]}
    />
  );
}

const radio = (name: string) => screen.getByRole("radio", { name });

describe("Segmented (radio group)", () => {
  it("is one Tab stop, on the checked option", () => {
    render(<Harness />);
    expect([radio("Alpha").tabIndex, radio("Beta").tabIndex, radio("Gamma").tabIndex]).toEqual([-1, 0, -1]);
  });

  it("moves the choice and focus with arrows, Home and End, wrapping around", () => {
    render(<Harness />);
    radio("Beta").focus();
    fireEvent.keyDown(radio("Beta"), { key: "ArrowRight" });
    expect(radio("Gamma").getAttribute("aria-checked")).toBe("true");
    expect(document.activeElement).toBe(radio("Gamma"));
    fireEvent.keyDown(radio("Gamma"), { key: "ArrowDown" });
    expect(document.activeElement).toBe(radio("Alpha"));
    expect(radio("Alpha").getAttribute("aria-checked")).toBe("true");
    fireEvent.keyDown(radio("Alpha"), { key: "ArrowLeft" });
    expect(document.activeElement).toBe(radio("Gamma"));
    fireEvent.keyDown(radio("Gamma"), { key: "Home" });
    expect(document.activeElement).toBe(radio("Alpha"));
    fireEvent.keyDown(radio("Alpha"), { key: "End" });
    expect(radio("Gamma").getAttribute("aria-checked")).toBe("true");
    expect([radio("Alpha").tabIndex, radio("Beta").tabIndex, radio("Gamma").tabIndex]).toEqual([-1, -1, 0]);
  });
});
