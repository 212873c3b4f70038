/** View/edit/create/duplicate one record: typed bins, TTL, delete bin, delete record. */
import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { endpoints } from "../../api/endpoints";
import type { RecordData, RecordWrite } from "../../api/types";
import { Icon } from "../../components/icons";
import { ErrorState, Field, IconButton, Modal, Spinner } from "../../components/ui";
import { formatDuration } from "../../lib/values";
import { buildWrite, draftFromRecord, keyToText, newBin, writeAddress, type DraftErrors, type KeyType, type RecordDraft } from "./recordDraft";
import { ValueEditor } from "./ValueEditor";

export type EditorMode = "create" | "edit" | "duplicate";

export function RecordEditor({
  connId,
  ns,
  set,
  mode,
  record,
  onClose,
  onSaved,
  onDelete,
}: {
  connId: number;
  ns: string;
  set: string;
  mode: EditorMode;
  record?: RecordData;
  onClose: () => void;
  onSaved: (r: RecordData | undefined, key: unknown) => void;
  onDelete?: () => void;
}) {
  const [d, setD] = useState<RecordDraft>(() => draftFromRecord(record, mode === "duplicate"));
  const [errors, setErrors] = useState<DraftErrors>({ bins: {} });
  // Keyboard users keep their place: "Add bin" focuses the new bin's name, deleting a bin its
  // "Undo" (or "Add bin" for a bin that was never saved), "Undo" the delete button again.
  const [focusBin, setFocusBin] = useState<string | null>(null);
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!focusKey) return;
    form.current?.querySelector<HTMLElement>(`[data-focus-key="${focusKey}"]`)?.focus();
    setFocusKey(null);
  }, [focusKey, d]);
  const needKey = mode !== "edit";
  const existingKey = record ? keyToText(record.key.userKey) : null;
  // A record written without its key (no sendKey) is addressed by its digest; without either it is read-only.
  const address = mode === "edit" && record ? writeAddress(record) : null;
  const readOnly = mode === "edit" && address === null;
  const byDigest = mode === "edit" && address !== null && "digest" in address;

  const save = useMutation({
    mutationFn: async ({ key, write }: { key: unknown; write: Omit<RecordWrite, "key"> }) => {
      const target = mode === "edit" && address ? address : { key };
      const body: RecordWrite = { ...write, ...target, mode: mode === "edit" ? "update" : "create" };
      // Optimistic concurrency: the save fails if someone changed the record since it was read.
      if (mode === "edit" && record) body.generation = record.generation;
      const r = await endpoints.putRecord(connId, ns, set, body);
      return { r, key };
    },
    onSuccess: ({ r, key }) => onSaved(r, key),
  });

  const submit = () => {
    const res = buildWrite(d, needKey);
    if (!res.ok) {
      setErrors(res.errors);
      return;
    }
    setErrors({ bins: {} });
    const key = needKey ? res.key : record?.key.userKey;
    save.mutate({ key, write: res.write });
  };

  const setBin = (id: string, patch: Partial<RecordDraft["bins"][number]>) =>
    setD((s) => ({ ...s, bins: s.bins.map((b) => (b.id === id ? { ...b, ...patch } : b)) }));

  const title = mode === "create" ? "New record" : mode === "duplicate" ? "Duplicate record" : `Record ${existingKey?.keyText ?? record?.key.digest ?? ""}`;

  return (
    <Modal
      open
      wide
      title={title}
      onClose={onClose}
      footer={
        <>
          {mode === "edit" && onDelete ? (
            <button type="button" className="btn btn-danger mr-auto" onClick={onDelete}>
              <Icon name="trash" /> Delete record
            </button>
          ) : null}
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="record-form" className="btn btn-primary" disabled={save.isPending || readOnly} data-testid="save-record">
            {save.isPending ? <Spinner label="Saving" /> : null} {mode === "edit" ? "Save changes" : "Create record"}
          </button>
        </>
      }
    >
      <form
        ref={form}
        id="record-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        className="space-y-4"
      >
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-[1fr_2fr_1fr]">
          <Field label="Key type">
            {(p) => (
              <select {...p} className="input w-full" disabled={!needKey} value={d.keyType} onChange={(e) => setD({ ...d, keyType: e.target.value as KeyType })}>
                <option value="string">String</option>
                <option value="int">Integer</option>
                <option value="bytes">Bytes (base64)</option>
              </select>
            )}
          </Field>
          <Field label="Primary key" error={errors.key} serverError={save.error} name="key">
            {(p) =>
              needKey ? (
                <input {...p} className="input w-full mono" value={d.keyText} onChange={(e) => setD({ ...d, keyText: e.target.value })} autoFocus />
              ) : (
                <input {...p} className="input w-full mono" readOnly value={existingKey?.keyText ?? `digest ${record?.key.digest ?? ""} (key not stored)`} />
              )
            }
          </Field>
          <Field
            label="TTL"
            error={errors.ttl}
            serverError={save.error}
            name="ttl"
            hint={
              mode === "edit" && record
                ? `Now: ${record.ttl === -1 ? "never expires" : formatDuration(record.ttl)}. "unchanged", "never", seconds or 1h30m`
                : 'Empty = namespace default; "never"; seconds or 1h30m'
            }
          >
            {(p) => <input {...p} className="input w-full" value={d.ttl} onChange={(e) => setD({ ...d, ttl: e.target.value })} />}
          </Field>
        </div>
        {readOnly ? (
          <p className="badge-warn rounded-md border px-3 py-2 text-sm" role="note">
            This record carries neither its primary key nor a digest, so it can only be viewed here. Use “Duplicate” to write a copy under a key.
          </p>
        ) : byDigest ? (
          <p className="muted text-sm" role="note" data-testid="digest-note">
            This record was written without storing its primary key; changes are saved by its digest and the key stays unstored.
          </p>
        ) : null}
        {record && mode === "edit" ? (
          <p className="muted text-xs">
            Generation {record.generation} · digest <span className="mono">{record.key.digest}</span>
          </p>
        ) : null}
        <fieldset>
          <legend className="label">Bins</legend>
          <ul className="space-y-3">
            {d.bins.map((b, i) => (
              <li key={b.id} className={`flex items-start gap-2 ${b.removed ? "opacity-50" : ""}`} data-testid="bin-row">
                <div className="w-40 shrink-0">
                  <input
                    className="input w-full mono"
                    aria-label={`Bin ${i + 1} name`}
                    value={b.name}
                    readOnly={b.existing}
                    autoFocus={b.id === focusBin}
                    onChange={(e) => setBin(b.id, { name: e.target.value })}
                    placeholder="bin name"
                  />
                  {b.removed ? <p className="mt-1 text-xs">deleted on save</p> : null}
                </div>
                {b.removed ? (
                  <div className="flex-1" />
                ) : (
                  <ValueEditor idPrefix={b.id} label={`Bin ${b.name || i + 1}`} draft={b.draft} onChange={(draft) => setBin(b.id, { draft })} />
                )}
                {b.removed ? (
                  <button
                    type="button"
                    className="btn"
                    aria-label={`Undo deleting bin ${b.name || i + 1}`}
                    data-focus-key={`undo:${b.id}`}
                    onClick={() => {
                      setBin(b.id, { removed: false });
                      setFocusKey(`delete:${b.id}`);
                    }}
                  >
                    Undo
                  </button>
                ) : (
                  <IconButton
                    icon="trash"
                    label={`Delete bin ${b.name || i + 1}`}
                    focusKey={`delete:${b.id}`}
                    onClick={() => {
                      if (b.existing) {
                        setBin(b.id, { removed: true });
                        setFocusKey(`undo:${b.id}`);
                      } else {
                        setD((s) => ({ ...s, bins: s.bins.filter((x) => x.id !== b.id) }));
                        setFocusKey("add-bin");
                      }
                    }}
                  />
                )}
                {errors.bins[b.id] ? <span className="sr-only">{errors.bins[b.id]}</span> : null}
              </li>
            ))}
          </ul>
          {Object.keys(errors.bins).length > 0 ? (
            <ul className="mt-2 text-xs text-red-600 dark:text-red-400" role="alert">
              {d.bins.filter((b) => errors.bins[b.id]).map((b) => (
                <li key={b.id}>
                  {b.name || "(unnamed bin)"}: {errors.bins[b.id]}
                </li>
              ))}
            </ul>
          ) : null}
          <button type="button" className="btn mt-3" data-focus-key="add-bin" onClick={() => {
              const bin = newBin();
              setFocusBin(bin.id);
              setD((s) => ({ ...s, bins: [...s.bins, bin] }));
            }}
          >
            <Icon name="plus" /> Add bin
          </button>
        </fieldset>
        {errors.form ? <p className="text-sm text-red-600 dark:text-red-400">{errors.form}</p> : null}
        {save.error ? <ErrorState error={save.error} compact /> : null}
      </form>
    </Modal>
  );
}
