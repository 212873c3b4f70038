/** A small uPlot time-series chart that follows the theme and its container's width. */
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { useTheme } from "../app/theme";

export interface SeriesSpec {
  label: string;
  colorVar: string; // CSS variable holding the color, e.g. --chart-read
  unit?: string;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";
}

export function LiveChart({
  title,
  series,
  data,
  height = 180,
  yRange,
}: {
  title: string;
  series: SeriesSpec[];
  data: Array<Array<number | null>>;
  height?: number;
  yRange?: [number, number];
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const theme = useTheme();
  const dataRef = useRef(data);
  dataRef.current = data;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axisColor = cssVar("--muted");
    const grid = { stroke: cssVar("--border"), width: 1 };
    const opts: uPlot.Options = {
      width: el.clientWidth || 400,
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: yRange ? { range: yRange } : { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [
        { stroke: axisColor, grid, ticks: grid },
        { stroke: axisColor, grid, ticks: grid, size: 56 },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: cssVar(s.colorVar),
          width: 1.5,
          points: { show: false },
          value: (_u: uPlot, v: number | null) => (v === null ? "—" : `${v.toFixed(v < 10 ? 1 : 0)}${s.unit ?? ""}`),
        })),
      ],
    };
    const u = new uPlot(opts, dataRef.current as uPlot.AlignedData, el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Recreate on theme change so colors follow; series/height are fixed per chart.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [theme, height]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  return (
    <figure className="panel p-3" aria-label={title}>
      <figcaption className="mb-1 text-sm font-semibold">{title}</figcaption>
      <div ref={box} style={{ minHeight: height + 30 }} />
    </figure>
  );
}
