/** Light/dark/system theme, persisted in localStorage and applied as the `dark` class on <html>. */
import { useSyncExternalStore } from "react";

export type ThemeChoice = "light" | "dark" | "system";
const KEY = "acm.theme";
const listeners = new Set<() => void>();

/** Whether `choice` renders dark, given the OS preference. */
export function resolveDark(choice: ThemeChoice, systemDark: boolean): boolean {
  return choice === "dark" || (choice === "system" && systemDark);
}

function systemDark(): boolean {
  return typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches;
}

export function getTheme(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === "light" || v === "dark" ? v : "system";
  } catch {
    return "system";
  }
}

export function applyTheme(choice: ThemeChoice = getTheme()): void {
  document.documentElement.classList.toggle("dark", resolveDark(choice, systemDark()));
}

export function setTheme(choice: ThemeChoice): void {
  try {
    localStorage.setItem(KEY, choice);
  } catch {
    /* storage disabled: the choice lasts for this page only */
  }
  applyTheme(choice);
  listeners.forEach((l) => l());
}

/** Follows OS changes while the choice is "system". */
export function watchSystemTheme(): () => void {
  if (typeof matchMedia !== "function") return () => {};
  const mq = matchMedia("(prefers-color-scheme: dark)");
  const onChange = () => {
    applyTheme();
    listeners.forEach((l) => l());
  };
  mq.addEventListener("change", onChange);
  return () => mq.removeEventListener("change", onChange);
}

export function useTheme(): ThemeChoice {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    getTheme,
    () => "system",
  );
}

/** True when the page currently renders dark. */
export function isDark(): boolean {
  return document.documentElement.classList.contains("dark");
}
