import { describe, expect, it } from "vitest";
import type { MetricsSample, NamespaceRates } from "../api/types";
import { mergeSamples, successPct, toColumns } from "./metricsBuffer";

const s = (tsMs: number, readTps = 1, namespaces: NamespaceRates[] = []): MetricsSample => ({
  tsMs,
  intervalMs: 1000,
  readTps,
  writeTps: 0,
  clientConnections: 1,
  namespaces,
  nodes: [],
});
const ns = (readTps: number, readSuccessRate: number): NamespaceRates => ({
  namespace: "n",
  readTps,
  writeTps: 0,
  readSuccessRate,
  writeSuccessRate: 1,
  objects: 0,
  dataUsedBytes: 0,
  dataTotalBytes: 0,
});

describe("metrics buffer", () => {
  it("appends newer samples and caps the window", () => {
    const a = mergeSamples([], [s(1), s(2)], 3);
    const b = mergeSamples(a, [s(3), s(4)], 3);
    expect(b.map((x) => x.tsMs)).toEqual([2, 3, 4]);
  });
  it("dedups overlapping history and stream samples, newest value wins", () => {
    const b = mergeSamples([s(1), s(2), s(3)], [s(2, 9), s(0)]);
    expect(b.map((x) => [x.tsMs, x.readTps])).toEqual([[0, 1], [1, 1], [2, 9], [3, 1]]);
  });
  it("builds uPlot columns in seconds with gaps for missing values", () => {
    const cols = toColumns([s(1000), s(2000)], [(x) => (x.tsMs === 1000 ? null : x.readTps)]);
    expect(cols).toEqual([[1, 2], [null, 1]]);
  });
  it("weights namespace success rates by their traffic", () => {
    expect(successPct(s(1, 0, [ns(300, 1), ns(100, 0.5)]), "read")).toBeCloseTo(87.5);
    expect(successPct(s(1, 0, [ns(0, 0)]), "read")).toBe(100);
    expect(successPct(s(1), "write")).toBeNull();
  });
});
