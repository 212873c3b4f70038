import { describe, expect, it } from "vitest";
import { emptyHistory, historyDown, historyUp, MAX_HISTORY, pushHistory } from "./history";

describe("console history", () => {
  it("navigates like a shell and restores the draft", () => {
    let h = ["build", "status", "namespaces"].reduce(pushHistory, emptyHistory());
    let text: string;
    [h, text] = historyUp(h, "sta");
    expect(text).toBe("namespaces");
    [h, text] = historyUp(h, text);
    expect(text).toBe("status");
    [h, text] = historyUp(h, text);
    [h, text] = historyUp(h, text);
    expect(text).toBe("build");
    [h, text] = historyDown(h, text);
    expect(text).toBe("status");
    [h, text] = historyDown(h, text);
    [h, text] = historyDown(h, text);
    expect(text).toBe("sta");
    [h, text] = historyDown(h, text);
    expect(text).toBe("sta");
  });
  it("skips blanks and repeats, and is bounded", () => {
    let h = pushHistory(pushHistory(pushHistory(emptyHistory(), "a"), "a"), "  ");
    expect(h.entries).toEqual(["a"]);
    for (let i = 0; i < MAX_HISTORY + 10; i++) h = pushHistory(h, `c${i}`);
    expect(h.entries.length).toBe(MAX_HISTORY);
    expect(h.cursor).toBe(MAX_HISTORY);
  });
});
