import { fireEvent, render, screen, within } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { newGroup, toFilterExpr, validateTree, type Group } from "../../lib/filterTree";
import { FilterTreeEditor } from "./FilterTreeEditor";

function Harness({ onTree }: { onTree: (g: Group) => void }) {
  const [tree, setTree] = useState<Group>(() => newGroup("and"));
  return (
    <FilterTreeEditor
      value={tree}
      errors={validateTree(tree)}
      onChange={(g) => {
        setTree(g);
        onTree(g);
      }}
    />
  );
}

describe("FilterTreeEditor", () => {
  it("builds a nested and/or filter with the keyboard-accessible controls", () => {
    let tree: Group = newGroup();
    render(<Harness onTree={(g) => (tree = g)} />);
    expect(screen.getByText("No filter: every record matches.")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Condition" }));
    fireEvent.change(screen.getByLabelText("Condition 1 bin"), { target: { value: "age" } });
    fireEvent.change(screen.getByLabelText("Condition 1 type"), { target: { value: "int" } });
    fireEvent.change(screen.getByLabelText("Condition 1 operator"), { target: { value: "ge" } });
    fireEvent.change(screen.getByLabelText("Condition 1 value"), { target: { value: "18" } });

    // nested OR group (created with the opposite logic of its parent), with one empty condition
    fireEvent.click(screen.getAllByRole("button", { name: "Group" })[0]!);
    fireEvent.change(screen.getByLabelText("Condition 2.1 bin"), { target: { value: "city" } });
    fireEvent.change(screen.getByLabelText("Condition 2.1 value"), { target: { value: "Paris" } });
    const groupBox = screen.getByRole("group", { name: "Group 2." });
    fireEvent.click(within(groupBox).getAllByRole("button", { name: "Condition" })[0]!);
    fireEvent.change(screen.getByLabelText("Condition 2.2 bin"), { target: { value: "city" } });
    fireEvent.change(screen.getByLabelText("Condition 2.2 value"), { target: { value: "Lyon" } });

    expect(validateTree(tree)).toEqual([]);
    expect(toFilterExpr(tree)).toEqual({
      op: "and",
      args: [
        { op: "ge", bin: "age", type: "int", value: 18 },
        {
          op: "or",
          args: [
            { op: "eq", bin: "city", type: "string", value: "Paris" },
            { op: "eq", bin: "city", type: "string", value: "Lyon" },
          ],
        },
      ],
    });
  });

  it("shows validation messages next to the offending condition and removes nodes", () => {
    let tree: Group = newGroup();
    render(<Harness onTree={(g) => (tree = g)} />);
    fireEvent.click(screen.getByRole("button", { name: "Condition" }));
    expect(screen.getByText("Bin names are 1 to 15 characters without spaces.")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Condition 1 bin"), { target: { value: "n" } });
    fireEvent.change(screen.getByLabelText("Condition 1 type"), { target: { value: "int" } });
    fireEvent.change(screen.getByLabelText("Condition 1 value"), { target: { value: "abc" } });
    expect(screen.getByText('"abc" is not an integer.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Condition 1 operator"), { target: { value: "between" } });
    expect(screen.getByLabelText("Condition 1 upper value")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Remove condition 1" }));
    expect(tree.children).toEqual([]);
  });

  it("toggles a group between AND and OR", () => {
    let tree: Group = newGroup();
    render(<Harness onTree={(g) => (tree = g)} />);
    fireEvent.click(screen.getAllByRole("button", { name: "Group" })[0]!);
    const or = screen.getByRole("group", { name: "Group 1." });
    const andRadio = or.querySelector("[role=radio][aria-checked=false]") as HTMLElement;
    fireEvent.click(andRadio);
    expect((tree.children[0] as Group).logic).toBe("and");
    fireEvent.click(screen.getByRole("button", { name: "Remove group 1." }));
    expect(tree.children).toEqual([]);
  });

  it("keeps keyboard focus in place when nodes are added and removed", () => {
    render(<Harness onTree={() => {}} />);
    const addCondition = screen.getByRole("button", { name: "Condition" });
    fireEvent.click(addCondition);
    expect(document.activeElement).toBe(screen.getByLabelText("Condition 1 bin"));
    fireEvent.click(screen.getAllByRole("button", { name: "Group" })[0]!);
    expect(document.activeElement).toBe(screen.getByLabelText("Condition 2.1 bin"));
    const group = screen.getByRole("group", { name: "Group 2." });
    fireEvent.click(within(group).getByRole("button", { name: "Condition" }));
    expect(document.activeElement).toBe(screen.getByLabelText("Condition 2.2 bin"));
    // Removing a condition focuses the "Condition" button of its group.
    fireEvent.click(screen.getByRole("button", { name: "Remove condition 2.2" }));
    expect(document.activeElement).toBe(within(screen.getByRole("group", { name: "Group 2." })).getByRole("button", { name: "Condition" }));
    fireEvent.click(screen.getByRole("button", { name: "Remove group 2." }));
    expect(document.activeElement).toBe(screen.getAllByRole("button", { name: "Condition" })[0]);
  });
});
