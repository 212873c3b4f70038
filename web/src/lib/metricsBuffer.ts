/** Rolling window of metric samples fed by the REST history and then the SSE stream. */
import type { MetricsSample } from "../api/types";

/** Merges new samples into a time-sorted window without duplicates, keeping the last `max`. */
export function mergeSamples(buffer: MetricsSample[], incoming: MetricsSample[], max = 600): MetricsSample[] {
  if (incoming.length === 0) return buffer;
  const last = buffer.length ? buffer[buffer.length - 1]!.tsMs : -Infinity;
  let out: MetricsSample[];
  if (incoming.every((s, i) => s.tsMs > last && (i === 0 || s.tsMs > incoming[i - 1]!.tsMs))) {
    out = buffer.concat(incoming); // fast path: strictly newer, already ordered
  } else {
    const byTs = new Map<number, MetricsSample>();
    for (const s of buffer) byTs.set(s.tsMs, s);
    for (const s of incoming) byTs.set(s.tsMs, s);
    out = [...byTs.values()].sort((a, b) => a.tsMs - b.tsMs);
  }
  return out.length > max ? out.slice(out.length - max) : out;
}

/** Columns for uPlot: [seconds, ...series]. Missing values become null (gaps). */
export function toColumns(samples: MetricsSample[], pick: Array<(s: MetricsSample) => number | null | undefined>): Array<Array<number | null>> {
  const xs = samples.map((s) => s.tsMs / 1000);
  return [xs, ...pick.map((f) => samples.map((s) => {
    const v = f(s);
    return v === undefined || v === null || !Number.isFinite(v) ? null : v;
  }))];
}

/** Cluster-wide success rate in percent for reads or writes: the namespaces' rates weighted by
 * their traffic. 100 when idle (nothing failed); null when the sample has no namespace. */
export function successPct(s: MetricsSample, kind: "read" | "write"): number | null {
  if (s.namespaces.length === 0) return null;
  let tps = 0;
  let ok = 0;
  for (const n of s.namespaces) {
    const t = kind === "read" ? n.readTps : n.writeTps;
    const r = kind === "read" ? n.readSuccessRate : n.writeSuccessRate;
    tps += t;
    ok += t * r;
  }
  return tps > 0 ? (ok / tps) * 100 : 100;
}
