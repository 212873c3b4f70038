import { fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { ConfirmDialog, Modal } from "./ui";

/** An opener button and a dialog that is unmounted when closed (the pattern the pages use). */
function Unmounting() {
  const [open, setOpen] = useState(false);
  return (
    <main id="main" tabIndex={-1}>
      <button type="button" onClick={() => setOpen(true)}>
        Open form
      </button>
      {open ? (
        <Modal open title="Form" onClose={() => setOpen(false)}>
          <input aria-label="Read only" readOnly value="x" />
          <input aria-label="First field" />
          <button type="button" onClick={() => setOpen(false)}>
            Done
          </button>
        </Modal>
      ) : null}
    </main>
  );
}

/** A dialog that stays mounted and toggles `open` (ConfirmDialog's pattern). */
function Toggling({ removeOpener = false }: { removeOpener?: boolean }) {
  const [open, setOpen] = useState(false);
  const [gone, setGone] = useState(false);
  return (
    <main id="main" tabIndex={-1}>
      {gone ? null : (
        <button type="button" onClick={() => setOpen(true)}>
          Delete it
        </button>
      )}
      <ConfirmDialog
        open={open}
        title="Delete"
        message="Sure?"
        onConfirm={() => {
          if (removeOpener) setGone(true);
          setOpen(false);
        }}
        onClose={() => setOpen(false)}
      />
    </main>
  );
}

function openWith(name: string) {
  const opener = screen.getByRole("button", { name });
  opener.focus();
  fireEvent.click(opener);
  return opener;
}

describe("Modal focus", () => {
  it("moves focus to the first editable field and back to the opener when unmounted", () => {
    render(<Unmounting />);
    const opener = openWith("Open form");
    expect(document.activeElement).toBe(screen.getByLabelText("First field"));
    fireEvent.click(screen.getByRole("button", { name: "Done" }));
    expect(screen.queryByLabelText("First field")).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it("returns focus to the opener when closed with the close button", () => {
    render(<Unmounting />);
    const opener = openWith("Open form");
    fireEvent.click(screen.getByRole("button", { name: "Close dialog" }));
    expect(document.activeElement).toBe(opener);
  });

  it("returns focus to the opener when a kept dialog closes, or to <main> when the opener is gone", () => {
    const { unmount } = render(<Toggling />);
    let opener = openWith("Delete it");
    // A confirmation without a field starts on its safe choice.
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Cancel" }));
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(document.activeElement).toBe(opener);
    unmount();

    render(<Toggling removeOpener />);
    opener = openWith("Delete it");
    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    expect(opener.isConnected).toBe(false);
    expect(document.activeElement).toBe(document.getElementById("main"));
  });
});
