/** Record browser: one set, bins as columns, cursor paging, PK lookup, record editor. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { useMemo, useReducer, useState } from "react";
import { Link, useParams } from "react-router";
import { endpoints, keys } from "../../api/endpoints";
import type { RecordData } from "../../api/types";
import { useConnId } from "../../app/useProfile";
import { DataTable } from "../../components/DataTable";
import { Icon } from "../../components/icons";
import { ConfirmDialog, EmptyState, ErrorState, IconButton, Loading, PageHeader, Spinner } from "../../components/ui";
import { canNext, canPrev, currentCursor, initialPaging, PAGE_SIZES, pagingReducer, rangeLabel } from "../../lib/cursorPaging";
import { formatDuration, fromWire, previewValue } from "../../lib/values";
import { setFromSegment, setLabel as labelOfSet } from "../../lib/setSegment";
import { keyFromText, recordAddress, wireKeyType, type KeyType } from "./recordDraft";
import { RecordEditor, type EditorMode } from "./RecordEditor";

import { binColumns, keyLabel } from "./recordColumns";

export default function RecordBrowserPage() {
  const id = useConnId();
  const params = useParams();
  const ns = params.ns ?? "";
  // The route carries the API's set segment: `~none` is the records in no set.
  const set = setFromSegment(params.set ?? "");
  const qc = useQueryClient();
  const [paging, dispatch] = useReducer(pagingReducer, 100, initialPaging);
  const cursor = currentCursor(paging);
  const [editor, setEditor] = useState<{ mode: EditorMode; record?: RecordData } | null>(null);
  const [deleting, setDeleting] = useState<RecordData | null>(null);
  const [pkType, setPkType] = useState<KeyType>("string");
  const [pkText, setPkText] = useState("");
  const [pkError, setPkError] = useState<string | null>(null);

  const page = useQuery({
    queryKey: keys.records(id, ns, set, cursor, paging.pageSize),
    queryFn: ({ signal }) => endpoints.scan(id, ns, set, cursor, paging.pageSize, signal),
    placeholderData: keepPreviousData,
  });
  const records = useMemo(() => page.data?.records ?? [], [page.data]);
  const bins = useMemo(() => binColumns(records), [records]);

  const lookup = useMutation({
    mutationFn: ({ text, type }: { text: string; type: KeyType }) => endpoints.getRecord(id, ns, set, text, wireKeyType(type)),
    onSuccess: (r) => setEditor({ mode: "edit", record: r }),
  });
  const del = useMutation({
    mutationFn: (r: RecordData) => {
      const address = recordAddress(r);
      if (!address) throw new Error("This record has neither a stored key nor a digest, so it cannot be addressed.");
      return endpoints.deleteRecord(id, ns, set, address);
    },
    onSuccess: async () => {
      setDeleting(null);
      setEditor(null);
      await qc.invalidateQueries({ queryKey: ["cluster", id, "records", ns, set] });
    },
  });

  // Created once: a cell renderer that kept changing identity (e.g. when a save adds a bin
  // column) would remount the row buttons and drop keyboard focus from the one that opened the
  // editor. The state setters it uses are stable.
  const actionsColumn = useMemo<ColumnDef<RecordData, unknown>>(
    () => ({
      id: "__actions",
      header: () => <span className="sr-only">Actions</span>,
      size: 110,
      cell: ({ row }) => (
        <div className="flex gap-1">
          <IconButton icon="edit" label={`Open record ${keyLabel(row.original)}`} className="h-6 w-6" onClick={() => setEditor({ mode: "edit", record: row.original })} />
          <IconButton icon="copy" label={`Duplicate record ${keyLabel(row.original)}`} className="h-6 w-6" onClick={() => setEditor({ mode: "duplicate", record: row.original })} />
          <IconButton icon="trash" label={`Delete record ${keyLabel(row.original)}`} className="btn-danger h-6 w-6" onClick={() => setDeleting(row.original)} />
        </div>
      ),
    }),
    [],
  );
  const columns = useMemo<Array<ColumnDef<RecordData, unknown>>>(
    () => [
      actionsColumn,
      { id: "__key", header: "Key", size: 140, cell: ({ row }) => <span className="mono">{keyLabel(row.original)}</span> },
      ...bins.map<ColumnDef<RecordData, unknown>>((b) => ({
        id: `bin:${b}`,
        header: b,
        size: 100,
        cell: ({ row }) => {
          const raw = row.original.bins[b];
          if (raw === undefined) return <span className="muted">—</span>;
          const v = fromWire(raw);
          return <span className={v.type === "string" ? "" : "mono"} title={v.type}>{previewValue(v)}</span>;
        },
      })),
      { id: "__gen", header: "Gen", size: 50, cell: ({ row }) => <span className="num block">{row.original.generation}</span> },
      {
        id: "__ttl",
        header: "TTL",
        size: 80,
        cell: ({ row }) => <span className="num block">{row.original.ttl === -1 ? "never" : formatDuration(row.original.ttl)}</span>,
      },
    ],
    [bins, actionsColumn],
  );

  const setLabel = labelOfSet(set);
  const fileBase = set === "" ? `${ns}-no-set` : `${ns}-${set}`;

  return (
    <div>
      <PageHeader
        title={`${ns} / ${setLabel}`}
        description={
          <Link className="hover:underline" to={`/clusters/${id}/namespaces/${encodeURIComponent(ns)}`}>
            ← Sets of {ns}
          </Link>
        }
        actions={
          <>
            <a className="btn" href={endpoints.setExportUrl(id, ns, set, "ndjson")} download={`${fileBase}.ndjson`} title="Download every record of the set (streamed)">
              <Icon name="download" /> NDJSON
            </a>
            <a className="btn" href={endpoints.setExportUrl(id, ns, set, "csv")} download={`${fileBase}.csv`} title="Download every record of the set (streamed)">
              <Icon name="download" /> CSV
            </a>
            <button type="button" className="btn" onClick={() => page.refetch()} aria-label="Refresh page">
              <Icon name="refresh" /> Refresh
            </button>
            <button type="button" className="btn btn-primary" onClick={() => setEditor({ mode: "create" })}>
              <Icon name="plus" /> New record
            </button>
          </>
        }
      />
      <form
        className="panel mb-3 flex flex-wrap items-end gap-2 p-3"
        role="search"
        aria-label="Primary key lookup"
        onSubmit={(e) => {
          e.preventDefault();
          const k = keyFromText(pkType, pkText);
          if (!k.ok) return setPkError(k.error);
          setPkError(null);
          lookup.mutate({ text: pkText, type: pkType });
        }}
      >
        <label className="flex flex-col">
          <span className="label">Key type</span>
          <select className="input" value={pkType} onChange={(e) => setPkType(e.target.value as KeyType)}>
            <option value="string">String</option>
            <option value="int">Integer</option>
            <option value="bytes">Bytes (base64)</option>
          </select>
        </label>
        <label className="flex min-w-60 flex-1 flex-col">
          <span className="label">Primary key</span>
          <input className="input mono" value={pkText} onChange={(e) => setPkText(e.target.value)} placeholder="Look up a record by its key" aria-invalid={!!pkError} aria-describedby={pkError ? "pk-error" : undefined} />
        </label>
        <button type="submit" className="btn" disabled={lookup.isPending}>
          {lookup.isPending ? <Spinner /> : <Icon name="search" />} Look up
        </button>
        {pkError ? <p id="pk-error" className="w-full text-xs text-red-600 dark:text-red-400">{pkError}</p> : null}
        {lookup.error ? <div className="w-full"><ErrorState error={lookup.error} compact /></div> : null}
      </form>

      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <span className="muted text-sm" data-testid="page-label" aria-live="polite">
          {page.isFetching ? <Spinner /> : null} {page.isPlaceholderData || page.isLoading ? `Loading page ${paging.index + 1}…` : rangeLabel(paging, records.length)}
        </span>
        <div className="flex flex-wrap items-center gap-2">
          <label className="flex items-center gap-1 text-sm">
            <span className="muted">Page size</span>
            <select className="input" value={paging.pageSize} onChange={(e) => dispatch({ type: "setPageSize", pageSize: Number(e.target.value) })}>
              {PAGE_SIZES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="btn" disabled={!canPrev(paging) || page.isPlaceholderData} onClick={() => dispatch({ type: "prev" })} data-testid="prev-page">
            <Icon name="left" /> Previous
          </button>
          <button
            type="button"
            className="btn"
            disabled={!canNext(page.data?.nextCursor) || page.isPlaceholderData}
            onClick={() => dispatch({ type: "next", nextCursor: page.data?.nextCursor })}
            data-testid="next-page"
          >
            Next <Icon name="right" />
          </button>
        </div>
      </div>

      {page.isLoading ? (
        <Loading what="Loading records" height={520} />
      ) : page.isError ? (
        <ErrorState error={page.error} onRetry={() => page.refetch()} />
      ) : records.length === 0 ? (
        <EmptyState
          title={paging.index === 0 ? (set === "" ? "No records without a set" : "This set has no records") : "No more records"}
          action={
            <button type="button" className="btn btn-primary" onClick={() => setEditor({ mode: "create" })}>
              <Icon name="plus" /> Create a record
            </button>
          }
        >
          {paging.index === 0 ? "Write one with “New record”, or choose another set." : "Go back to the previous page."}
        </EmptyState>
      ) : (
        <DataTable
          // A new page starts scrolled to the top with fresh row measurements.
          key={`${cursor ?? "first"}-${paging.pageSize}-${records.length}`}
          label={`Records of ${ns}/${setLabel}`}
          testId="records-table"
          data={records}
          columns={columns}
          getRowId={(r, i) => r.key.digest ?? `row-${i}`}
          onRowActivate={(r) => setEditor({ mode: "edit", record: r })}
          height={560}
        />
      )}

      {editor ? (
        <RecordEditor
          key={`${editor.mode}-${editor.record?.key.digest ?? "new"}-${editor.record?.generation ?? 0}`}
          connId={id}
          ns={ns}
          set={set}
          mode={editor.mode}
          {...(editor.record ? { record: editor.record } : {})}
          onClose={() => setEditor(null)}
          onDelete={editor.record ? () => setDeleting(editor.record!) : undefined}
          onSaved={async () => {
            setEditor(null);
            await qc.invalidateQueries({ queryKey: ["cluster", id, "records", ns, set] });
          }}
        />
      ) : null}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete record"
        message={
          <>
            Delete record <code className="mono">{deleting ? keyLabel(deleting) : ""}</code> from {ns}/{setLabel}?
          </>
        }
        busy={del.isPending}
        error={del.error}
        onConfirm={() => deleting && del.mutate(deleting)}
        onClose={() => {
          setDeleting(null);
          del.reset();
        }}
      />
    </div>
  );
}
