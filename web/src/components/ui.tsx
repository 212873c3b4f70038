/** Shared building blocks: page header, states (loading/empty/error), dialogs, fields, badges. */
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { describeError, fieldMessages } from "../api/errors";
import { usePageTitle } from "../app/pageTitle";
import { usagePct } from "../lib/format";
import { Icon, type IconName } from "./icons";

/** The page's <h1>; it also names the browser tab after the page. */
export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  usePageTitle(title);
  return (
    <header className="mb-4 flex flex-wrap items-start justify-between gap-3">
      <div className="min-w-0">
        <h1 className="text-xl font-semibold">{title}</h1>
        {description ? <p className="muted mt-0.5 text-sm">{description}</p> : null}
      </div>
      {actions ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
    </header>
  );
}

export function IconButton({
  icon,
  label,
  onClick,
  disabled,
  className = "",
  type = "button",
  focusKey,
}: {
  icon: IconName;
  label: string;
  onClick?: () => void;
  disabled?: boolean;
  className?: string;
  type?: "button" | "submit";
  /** `data-focus-key`, for moving focus here after a re-render. */
  focusKey?: string;
}) {
  return (
    <button type={type} className={`btn btn-icon ${className}`} aria-label={label} title={label} onClick={onClick} disabled={disabled} data-focus-key={focusKey}>
      <Icon name={icon} />
    </button>
  );
}

export function Spinner({ label = "Loading" }: { label?: string }) {
  return (
    <span role="status" aria-label={label} className="inline-block h-4 w-4 animate-spin rounded-full border-2 border-current border-t-transparent align-middle opacity-70" />
  );
}

/** Placeholder with a fixed height so content does not jump when it arrives. */
export function Loading({ what = "Loading", height = 160 }: { what?: string; height?: number }) {
  return (
    <div className="panel muted flex items-center justify-center gap-2" style={{ minHeight: height }} aria-busy="true">
      <Spinner label={what} /> {what}…
    </div>
  );
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="panel flex flex-col items-center justify-center gap-2 px-6 py-10 text-center" data-testid="empty-state">
      <p className="font-semibold">{title}</p>
      {children ? <div className="muted max-w-prose text-sm">{children}</div> : null}
      {action ? <div className="mt-2">{action}</div> : null}
    </div>
  );
}

/** Renders any error: problem title, its detail, field errors and what to do next. */
export function ErrorState({ error, onRetry, compact = false }: { error: unknown; onRetry?: () => void; compact?: boolean }) {
  const v = describeError(error);
  return (
    <div
      role="alert"
      className={`rounded-lg border border-red-300 bg-red-50 text-red-900 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200 ${compact ? "px-3 py-2" : "px-4 py-3"}`}
    >
      <div className="flex items-start gap-2">
        <Icon name="alert" className="mt-0.5 shrink-0" />
        <div className="min-w-0 flex-1">
          <p className="font-semibold">
            {v.title}
            {v.status ? <span className="ml-2 text-xs font-normal opacity-70">HTTP {v.status}</span> : null}
          </p>
          {v.detail ? <p className="mt-0.5 break-words text-sm">{v.detail}</p> : null}
          {v.fieldErrors.length > 0 ? (
            <ul className="mt-1 list-disc pl-5 text-sm">
              {v.fieldErrors.map((f, i) => (
                <li key={i}>
                  {f.field ? <code className="mono">{f.field}</code> : null}
                  {f.field ? ": " : ""}
                  {f.message}
                </li>
              ))}
            </ul>
          ) : null}
          {v.hint ? <p className="mt-1 text-sm opacity-80">{v.hint}</p> : null}
        </div>
        {onRetry ? (
          <button type="button" className="btn h-7 shrink-0" onClick={onRetry}>
            Retry
          </button>
        ) : null}
      </div>
    </div>
  );
}

export function Badge({ tone = "neutral", children }: { tone?: "ok" | "warn" | "err" | "neutral"; children: ReactNode }) {
  const cls = tone === "ok" ? "badge-ok" : tone === "warn" ? "badge-warn" : tone === "err" ? "badge-err" : "";
  return <span className={`badge ${cls}`}>{children}</span>;
}

/** A used/total bar; turns amber past `warnAt` and red past `errAt`. */
export function UsageBar({ used, total, label, warnAt = 70, errAt = 90 }: { used?: number | null; total?: number | null; label: string; warnAt?: number; errAt?: number }) {
  const pct = usagePct(used, total);
  const color = pct === null ? "bg-gray-400" : pct >= errAt ? "bg-red-600" : pct >= warnAt ? "bg-amber-500" : "bg-emerald-600";
  return (
    <div className="flex items-center gap-2" title={pct === null ? "unknown" : `${pct.toFixed(1)}%`}>
      <div
        className="h-2 w-28 overflow-hidden rounded-full bg-[var(--panel-2)]"
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct === null ? undefined : Math.round(pct)}
      >
        <div className={`keep-colors h-full ${color}`} style={{ width: `${pct ?? 0}%` }} />
      </div>
      <span className="num text-xs tabular-nums">{pct === null ? "—" : `${pct.toFixed(0)}%`}</span>
    </div>
  );
}

/** Label + control + messages (own validation first, then the server's field errors). */
export function Field({
  label,
  name,
  error,
  serverError,
  hint,
  children,
}: {
  label: string;
  name?: string;
  error?: string | null;
  serverError?: unknown;
  hint?: ReactNode;
  children: (props: { id: string; "aria-invalid": boolean; "aria-describedby"?: string }) => ReactNode;
}) {
  const id = useId();
  const msgs = [...(error ? [error] : []), ...(name ? fieldMessages(serverError, name) : [])];
  const descId = msgs.length || hint ? `${id}-desc` : undefined;
  return (
    <div className="min-w-0">
      <label htmlFor={id} className="label">
        {label}
      </label>
      {children({ id, "aria-invalid": msgs.length > 0, ...(descId ? { "aria-describedby": descId } : {}) })}
      {msgs.length > 0 || hint ? (
        <div id={descId} className="mt-1 text-xs">
          {msgs.map((m, i) => (
            <p key={i} className="text-red-600 dark:text-red-400">
              {m}
            </p>
          ))}
          {hint && msgs.length === 0 ? <p className="muted">{hint}</p> : null}
        </div>
      ) : null}
    </div>
  );
}

/** Where focus goes when a dialog opens: an element marked `data-autofocus`, else the first
 * editable field of the body, else "Close dialog". */
export function initialFocus(dialog: HTMLElement): HTMLElement | null {
  const marked = dialog.querySelector<HTMLElement>("[data-autofocus]");
  if (marked) return marked;
  const fields = dialog.querySelectorAll<HTMLElement>("[data-dialog-body] input, [data-dialog-body] select, [data-dialog-body] textarea, [data-dialog-body] [contenteditable='true']");
  for (const f of fields) {
    const el = f as HTMLInputElement;
    if (el.disabled || el.readOnly || el.type === "hidden" || el.type === "file" || el.type === "checkbox" || el.type === "radio") continue;
    return f;
  }
  return dialog.querySelector<HTMLElement>("[data-dialog-close]");
}

/** Returns focus to the control that opened a dialog, or to the main content when that
 * control is gone (e.g. the row it was in was deleted). */
export function restoreFocus(opener: HTMLElement | null): void {
  const target = opener?.isConnected ? opener : document.getElementById("main");
  target?.focus({ preventScroll: false });
}

/** A modal built on <dialog>: the browser keeps focus inside and Escape closes it. Focus moves
 * into it when it opens (see `initialFocus`) and back to the opener when it closes or unmounts. */
export function Modal({
  open,
  title,
  onClose,
  children,
  footer,
  wide = false,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      const active = document.activeElement;
      opener.current = active instanceof HTMLElement && active !== document.body ? active : null;
      if (typeof d.showModal === "function") d.showModal();
      else d.setAttribute("open", "");
      initialFocus(d)?.focus();
    }
    if (!open && d.open) {
      if (typeof d.close === "function") d.close();
      else d.removeAttribute("open");
      restoreFocus(opener.current);
      opener.current = null;
    }
  }, [open]);
  // Dialogs are often unmounted while open (`{editing ? <Form/> : null}`): restore focus then too.
  useEffect(
    () => () => {
      if (opener.current) restoreFocus(opener.current);
    },
    [],
  );
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        // A code editor keeps Tab for indenting: there Escape leaves the editor (focus goes to
        // "Close dialog") and a second Escape closes the dialog, so nobody is trapped.
        if (document.activeElement?.closest(".cm-editor")) {
          ref.current?.querySelector<HTMLElement>("[data-dialog-close]")?.focus();
          return;
        }
        onClose();
      }}
      className={`panel m-auto max-h-[90vh] w-[calc(100%-2rem)] ${wide ? "max-w-4xl" : "max-w-lg"} p-0 text-[var(--text)]`}
    >
      {open ? (
        <div className="flex max-h-[90vh] flex-col">
          <div className="flex items-center justify-between border-b border-[var(--border)] px-4 py-3">
            <h2 id={titleId} className="text-base font-semibold">
              {title}
            </h2>
            <button type="button" className="btn btn-icon" aria-label="Close dialog" title="Close dialog (Escape)" onClick={onClose} data-dialog-close>
              <Icon name="x" />
            </button>
          </div>
          <div className="overflow-auto px-4 py-4" data-dialog-body>
            {children}
          </div>
          {footer ? <div className="flex justify-end gap-2 border-t border-[var(--border)] px-4 py-3">{footer}</div> : null}
        </div>
      ) : null}
    </dialog>
  );
}

/** Destructive confirmation; when `typed` is set the user must type it exactly. */
export function ConfirmDialog({
  open,
  title,
  message,
  typed,
  confirmLabel = "Delete",
  busy = false,
  error,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  message: ReactNode;
  typed?: string;
  confirmLabel?: string;
  busy?: boolean;
  error?: unknown;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const [text, setText] = useState("");
  useEffect(() => {
    if (!open) setText("");
  }, [open]);
  const ready = !typed || text === typed;
  return (
    <Modal
      open={open}
      title={title}
      onClose={onClose}
      footer={
        <>
          {/* Without a field to type into, focus starts on the safe choice. */}
          <button type="button" className="btn" onClick={onClose} data-autofocus={typed ? undefined : true}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={!ready || busy} onClick={onConfirm}>
            {busy ? <Spinner label="Working" /> : null}
            {confirmLabel}
          </button>
        </>
      }
    >
      <div className="space-y-3">
        <div className="text-sm">{message}</div>
        {typed ? (
          <Field label={`Type "${typed}" to confirm`}>
            {(p) => (
              <input {...p} className="input w-full" autoComplete="off" value={text} onChange={(e) => setText(e.target.value)} />
            )}
          </Field>
        ) : null}
        {error ? <ErrorState error={error} compact /> : null}
      </div>
    </Modal>
  );
}

/** Segmented control for a small set of options, a radio group: Tab reaches the checked option,
 * arrow keys (and Home/End) move the choice, like native radio buttons. */
export function Segmented<T extends string>({
  value,
  options,
  onChange,
  label,
}: {
  value: T;
  options: Array<{ value: T; label: ReactNode; title?: string }>;
  onChange: (v: T) => void;
  label: string;
}) {
  const group = useRef<HTMLDivElement>(null);
  const current = Math.max(
    0,
    options.findIndex((o) => o.value === value),
  );
  const move = (to: number) => {
    const i = (to + options.length) % options.length;
    onChange(options[i]!.value);
    group.current?.querySelectorAll<HTMLElement>("[role=radio]")[i]?.focus();
  };
  return (
    <div
      ref={group}
      role="radiogroup"
      aria-label={label}
      className="inline-flex rounded-md border border-[var(--border)] p-0.5"
      onKeyDown={(e) => {
        const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
        if (step !== undefined) move(current + step);
        else if (e.key === "Home") move(0);
        else if (e.key === "End") move(options.length - 1);
        else return;
        e.preventDefault();
      }}
    >
      {options.map((o, i) => (
        <button
          key={o.value}
          type="button"
          role="radio"
          aria-checked={value === o.value}
          tabIndex={i === current ? 0 : -1}
          title={o.title}
          className={`inline-flex h-7 items-center gap-1 rounded px-2.5 text-sm ${value === o.value ? "bg-[var(--panel-2)] font-semibold" : "muted"}`}
          onClick={() => onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
