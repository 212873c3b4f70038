/** Small inline SVG icons (stroke = currentColor). Decorative: buttons carry the aria-label. */
import type { SVGProps } from "react";

const paths = {
  plus: "M12 5v14M5 12h14",
  trash: "M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13",
  edit: "M4 20h4L19 9l-4-4L4 16v4z",
  refresh: "M20 12a8 8 0 1 1-2.3-5.7M20 4v5h-5",
  copy: "M9 9h10v10H9zM5 15V5h10",
  play: "M7 5l12 7-12 7z",
  download: "M12 4v11m-5-5 5 5 5-5M5 20h14",
  upload: "M12 20V9m-5 5 5-5 5 5M5 4h14",
  left: "M15 6l-6 6 6 6",
  right: "M9 6l6 6-6 6",
  x: "M6 6l12 12M18 6 6 18",
  sun: "M12 4V2m0 20v-2m8-8h2M2 12h2m13.7-5.7 1.4-1.4M4.9 19.1l1.4-1.4m0-11.4L4.9 4.9m14.2 14.2-1.4-1.4M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8z",
  moon: "M20 14.5A8 8 0 0 1 9.5 4 8 8 0 1 0 20 14.5z",
  monitor: "M3 5h18v11H3zM8 20h8m-4-4v4",
  search: "M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14zm9 16-4.3-4.3",
  plug: "M9 3v5m6-5v5M6 8h12v3a6 6 0 0 1-12 0zM12 17v4",
  chart: "M4 20V10m6 10V4m6 16v-7m4 7H3",
  layers: "M12 3 3 8l9 5 9-5-9-5zm-9 9 9 5 9-5M3 16l9 5 9-5",
  table: "M3 5h18v14H3zM3 10h18M9 5v14",
  filter: "M3 5h18l-7 8v6l-4-2v-4z",
  index: "M5 4h14M5 9h14M5 14h9M5 19h6",
  code: "M9 8l-5 4 5 4m6-8 5 4-5 4",
  users: "M16 19v-1a4 4 0 0 0-4-4H7a4 4 0 0 0-4 4v1m6.5-9a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM21 19v-1a4 4 0 0 0-3-3.8M16 3.2a3.5 3.5 0 0 1 0 6.6",
  terminal: "M4 5h16v14H4zM7 9l3 3-3 3m5 0h5",
  settings: "M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6zm8 3-2 .8-.5 1.3 1 2-1.5 1.5-2-1-1.3.5L13 20h-2l-.7-2-1.3-.5-2 1L5.5 17l1-2-.5-1.3L4 13v-2l2-.7.5-1.3-1-2L7 5.5l2 1 1.3-.5L11 4h2l.7 2 1.3.5 2-1L18.5 7l-1 2 .5 1.3 2 .7z",
  pause: "M8 5v14m8-14v14",
  external: "M14 4h6v6m0-6L10 14M18 14v6H4V6h6",
  alert: "M12 3 2 20h20L12 3zm0 7v4m0 3v.5",
  check: "M5 12l5 5 9-10",
  menu: "M4 6h16M4 12h16M4 18h16",
} as const;

export type IconName = keyof typeof paths;

export function Icon({ name, size = 16, ...rest }: { name: IconName; size?: number } & SVGProps<SVGSVGElement>) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...rest}
    >
      <path d={paths[name]} />
    </svg>
  );
}
