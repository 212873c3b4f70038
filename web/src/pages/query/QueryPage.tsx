/** Query builder: namespace/set, optional index predicate, nested filter, bins, paging, export. */
import { useMutation, useQuery } from "@tanstack/react-query";
import type { ColumnDef } from "@tanstack/react-table";
import { useMemo, useReducer, useState } from "react";
import { endpoints, keys } from "../../api/endpoints";
import { ApiError, parseProblem } from "../../api/errors";
import type { IndexPredicate, QueryRequest, RecordData, RecordPage } from "../../api/types";
import { useConnId } from "../../app/useProfile";
import { DataTable } from "../../components/DataTable";
import { Icon } from "../../components/icons";
import { EmptyState, ErrorState, Field, PageHeader, Spinner } from "../../components/ui";
import { canNext, canPrev, currentCursor, initialPaging, PAGE_SIZES, pagingReducer, rangeLabel } from "../../lib/cursorPaging";
import { downloadBlob } from "../../lib/download";
import { describeTree, newGroup, toFilterExpr, validateTree, type Group } from "../../lib/filterTree";
import { fromWire, previewValue } from "../../lib/values";
import { binColumns, keyLabel } from "../records/recordColumns";
import { FilterTreeEditor } from "./FilterTreeEditor";

type PredOp = "none" | IndexPredicate["op"];

interface Form {
  namespace: string;
  set: string;
  predOp: PredOp;
  predBin: string;
  predType: "int" | "string";
  predValue: string;
  predValue2: string;
  predCollection: "default" | "list" | "mapkeys" | "mapvalues";
  pkOp: "none" | "eq" | "prefix" | "regex";
  pkValue: string;
  bins: string;
  maxRecords: string;
}

/** Builds the query body from the form, or a list of problems. */
export function buildQuery(f: Form, filter: Group): { ok: true; q: QueryRequest } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  if (!f.namespace) errors.push("Choose a namespace.");
  let predicate: IndexPredicate | null = null;
  if (f.predOp !== "none") {
    if (!f.predBin.trim()) errors.push("The index predicate needs a bin.");
    const conv = (t: string) => (f.predType === "int" ? Number(t) : t);
    if (f.predType === "int" && (!/^-?\d+$/.test(f.predValue.trim()) || (f.predOp === "range" && !/^-?\d+$/.test(f.predValue2.trim()))))
      errors.push("Index predicate values must be integers for a numeric index.");
    predicate = { bin: f.predBin.trim(), op: f.predOp, value: f.predOp.startsWith("geo") ? safeJson(f.predValue) : conv(f.predValue.trim()) };
    if (f.predOp === "range") predicate.end = conv(f.predValue2.trim());
    if (f.predCollection !== "default") predicate.collection = f.predCollection;
  }
  for (const e of validateTree(filter)) errors.push(e.message);
  if (f.pkOp !== "none" && f.pkValue === "") errors.push("Enter the primary key, prefix or regular expression to match.");
  const max = f.maxRecords.trim() === "" ? null : Number(f.maxRecords);
  if (max !== null && (!Number.isInteger(max) || max < 1)) errors.push("Max records is a positive whole number, or empty for no limit.");
  if (errors.length) return { ok: false, errors };
  const bins = f.bins.split(/[\s,]+/).filter(Boolean);
  return {
    ok: true,
    q: {
      namespace: f.namespace,
      set: f.set || null,
      predicate,
      filter: toFilterExpr(filter) ?? null,
      bins: bins.length ? bins : null,
      maxRecords: max,
      ...(f.pkOp !== "none" ? { primaryKey: { op: f.pkOp, value: f.pkValue } } : {}),
    },
  };
}

function safeJson(t: string): unknown {
  try {
    return JSON.parse(t);
  } catch {
    return t;
  }
}

export default function QueryPage() {
  const id = useConnId();
  const nsq = useQuery({ queryKey: keys.namespaces(id), queryFn: () => endpoints.namespaces(id) });
  const [f, setF] = useState<Form>({ namespace: "", set: "", predOp: "none", predBin: "", predType: "int", predValue: "", predValue2: "", predCollection: "default", pkOp: "none", pkValue: "", bins: "", maxRecords: "1000" });
  const namespace = f.namespace || nsq.data?.[0]?.name || "";
  const setsq = useQuery({ queryKey: keys.sets(id, namespace), queryFn: () => endpoints.sets(id, namespace), enabled: !!namespace });
  const [filter, setFilter] = useState<Group>(() => newGroup("and"));
  const [problems, setProblems] = useState<string[]>([]);
  const [paging, dispatch] = useReducer(pagingReducer, 100, initialPaging);
  const [submitted, setSubmitted] = useState<QueryRequest | null>(null);
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setF((s) => ({ ...s, [k]: v }));
  const treeErrors = useMemo(() => validateTree(filter), [filter]);

  const cursor = currentCursor(paging);
  const results = useQuery({
    queryKey: ["cluster", id, "query", submitted, cursor, paging.pageSize],
    queryFn: ({ signal }) => endpoints.query(id, { ...submitted!, cursor, pageSize: paging.pageSize }, signal),
    enabled: submitted !== null,
    retry: false,
    staleTime: Infinity,
  });
  const exporter = useMutation({
    mutationFn: async (format: "ndjson" | "csv") => {
      const res = await endpoints.queryExport(id, submitted!, format);
      const blob = await res.blob();
      if (!res.ok) throw new ApiError(parseProblem(res.status, res.statusText, await blob.text()));
      downloadBlob(blob, `query-${submitted!.namespace}.${format}`);
    },
  });

  const run = () => {
    const r = buildQuery({ ...f, namespace }, filter);
    if (!r.ok) return setProblems(r.errors);
    setProblems([]);
    dispatch({ type: "reset" });
    setSubmitted(r.q);
    if (JSON.stringify(r.q) === JSON.stringify(submitted)) void results.refetch();
  };

  const data: RecordPage | undefined = results.data;
  const records = useMemo(() => data?.records ?? [], [data]);
  const bins = useMemo(() => binColumns(records), [records]);
  const columns = useMemo<Array<ColumnDef<RecordData, unknown>>>(
    () => [
      { id: "__key", header: "Key", cell: ({ row }) => <span className="mono">{keyLabel(row.original)}</span> },
      ...bins.map<ColumnDef<RecordData, unknown>>((b) => ({
        id: `bin:${b}`,
        header: b,
        cell: ({ row }) => (row.original.bins[b] === undefined ? <span className="muted">—</span> : previewValue(fromWire(row.original.bins[b]))),
      })),
    ],
    [bins],
  );

  return (
    <div>
      <PageHeader title="Query builder" description="Scan or query a set with an index predicate and a filter expression." />
      {nsq.isError ? <div className="mb-4"><ErrorState error={nsq.error} onRetry={() => nsq.refetch()} /></div> : null}
      <form
        className="panel mb-4 space-y-4 p-4"
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
        noValidate
      >
        <div className="grid grid-cols-1 gap-3 md:grid-cols-4">
          <Field label="Namespace">
            {(p) => (
              <select {...p} className="input w-full" value={namespace} onChange={(e) => setF((s) => ({ ...s, namespace: e.target.value, set: "" }))}>
                {(nsq.data ?? []).map((n) => (
                  <option key={n.name}>{n.name}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Set">
            {(p) => (
              <select {...p} className="input w-full" value={f.set} onChange={(e) => set("set", e.target.value)}>
                <option value="">(all sets)</option>
                {(setsq.data ?? []).map((s) => (
                  <option key={s.name}>{s.name}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Bins to return" hint="Comma-separated; empty returns all bins">
            {(p) => <input {...p} className="input w-full mono" value={f.bins} onChange={(e) => set("bins", e.target.value)} />}
          </Field>
          <Field label="Max records" hint="Empty for no limit">
            {(p) => <input {...p} className="input w-full" inputMode="numeric" value={f.maxRecords} onChange={(e) => set("maxRecords", e.target.value)} />}
          </Field>
        </div>
        <fieldset className="rounded-md border border-[var(--border)] p-3">
          <legend className="px-1 text-sm font-semibold">Index predicate (uses a secondary index)</legend>
          <div className="flex flex-wrap items-end gap-2">
            <label className="flex flex-col">
              <span className="label">Predicate</span>
              <select className="input" value={f.predOp} onChange={(e) => set("predOp", e.target.value as PredOp)}>
                <option value="none">None (scan)</option>
                <option value="equals">equals</option>
                <option value="range">between (integers)</option>
                <option value="contains">collection contains</option>
                <option value="geoWithin">geo within region</option>
                <option value="geoContains">geo contains point</option>
              </select>
            </label>
            {f.predOp !== "none" ? (
              <>
                <label className="flex flex-col">
                  <span className="label">Bin</span>
                  <input className="input w-32 mono" value={f.predBin} onChange={(e) => set("predBin", e.target.value)} />
                </label>
                {!f.predOp.startsWith("geo") ? (
                  <label className="flex flex-col">
                    <span className="label">Index collection</span>
                    <select className="input" value={f.predCollection} onChange={(e) => set("predCollection", e.target.value as Form["predCollection"])}>
                      <option value="default">bin value</option>
                      <option value="list">list elements</option>
                      <option value="mapkeys">map keys</option>
                      <option value="mapvalues">map values</option>
                    </select>
                  </label>
                ) : null}
                {!f.predOp.startsWith("geo") && f.predOp !== "range" ? (
                  <label className="flex flex-col">
                    <span className="label">Index type</span>
                    <select className="input" value={f.predType} onChange={(e) => set("predType", e.target.value as Form["predType"])}>
                      <option value="int">numeric</option>
                      <option value="string">string</option>
                    </select>
                  </label>
                ) : null}
                <label className="flex flex-col">
                  <span className="label">{f.predOp === "range" ? "From" : f.predOp.startsWith("geo") ? "GeoJSON" : "Value"}</span>
                  <input className="input w-56 mono" value={f.predValue} onChange={(e) => set("predValue", e.target.value)} />
                </label>
                {f.predOp === "range" ? (
                  <label className="flex flex-col">
                    <span className="label">To</span>
                    <input className="input w-32 mono" value={f.predValue2} onChange={(e) => set("predValue2", e.target.value)} />
                  </label>
                ) : null}
              </>
            ) : null}
          </div>
        </fieldset>
        <fieldset className="rounded-md border border-[var(--border)] p-3">
          <legend className="px-1 text-sm font-semibold">Primary key (records stored with their key)</legend>
          <div className="flex flex-wrap items-end gap-2">
            <label className="flex flex-col">
              <span className="label">Key match</span>
              <select className="input" value={f.pkOp} onChange={(e) => set("pkOp", e.target.value as Form["pkOp"])}>
                <option value="none">Any key</option>
                <option value="eq">equals (direct lookup)</option>
                <option value="prefix">starts with</option>
                <option value="regex">matches regex</option>
              </select>
            </label>
            {f.pkOp !== "none" ? (
              <label className="flex flex-col">
                <span className="label">{f.pkOp === "regex" ? "Regular expression" : f.pkOp === "prefix" ? "Prefix" : "Key"}</span>
                <input className="input w-64 mono" value={f.pkValue} onChange={(e) => set("pkValue", e.target.value)} />
              </label>
            ) : null}
          </div>
        </fieldset>
        <div>
          <h2 className="mb-1 text-sm font-semibold">Filter</h2>
          <FilterTreeEditor value={filter} onChange={setFilter} errors={treeErrors} />
          {describeTree(filter) ? <p className="muted mt-1 text-xs mono" data-testid="filter-summary">{describeTree(filter)}</p> : null}
        </div>
        {problems.length ? (
          <ul role="alert" className="list-disc pl-5 text-sm text-red-600 dark:text-red-400">
            {problems.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
        ) : null}
        <div className="flex flex-wrap gap-2">
          <button type="submit" className="btn btn-primary" disabled={!namespace} data-testid="run-query">
            <Icon name="play" /> Run query
          </button>
          <button type="button" className="btn" disabled={!submitted || exporter.isPending} onClick={() => exporter.mutate("ndjson")}>
            <Icon name="download" /> Export NDJSON
          </button>
          <button type="button" className="btn" disabled={!submitted || exporter.isPending} onClick={() => exporter.mutate("csv")}>
            <Icon name="download" /> Export CSV
          </button>
          {exporter.isPending ? <Spinner label="Exporting" /> : null}
        </div>
        {exporter.error ? <ErrorState error={exporter.error} compact /> : null}
      </form>

      {submitted === null ? (
        <EmptyState title="No query run yet">Set the namespace and optional filters, then press “Run query”.</EmptyState>
      ) : results.isError ? (
        <ErrorState error={results.error} onRetry={() => results.refetch()} />
      ) : (
        <>
          <div className="mb-2 flex items-center justify-between gap-2">
            <span className="muted text-sm" aria-live="polite" data-testid="query-page-label">
              {results.isFetching ? <Spinner /> : null} {results.isFetching ? `Loading page ${paging.index + 1}…` : rangeLabel(paging, records.length)}
            </span>
            <div className="flex items-center gap-2">
              <label className="flex items-center gap-1 text-sm">
                <span className="muted">Page size</span>
                <select className="input" value={paging.pageSize} onChange={(e) => dispatch({ type: "setPageSize", pageSize: Number(e.target.value) })}>
                  {PAGE_SIZES.map((s) => (
                    <option key={s}>{s}</option>
                  ))}
                </select>
              </label>
              <button type="button" className="btn" disabled={!canPrev(paging) || results.isFetching} onClick={() => dispatch({ type: "prev" })}>
                <Icon name="left" /> Previous
              </button>
              <button type="button" className="btn" disabled={!canNext(data?.nextCursor) || results.isFetching} onClick={() => dispatch({ type: "next", nextCursor: data?.nextCursor })}>
                Next <Icon name="right" />
              </button>
            </div>
          </div>
          {results.isLoading ? (
            <div className="panel muted flex h-[480px] items-center justify-center gap-2"><Spinner /> Running…</div>
          ) : records.length === 0 ? (
            <EmptyState title="No record matches">Loosen the filter or check the predicate's bin and index.</EmptyState>
          ) : (
            <DataTable key={`${cursor ?? "first"}-${paging.pageSize}-${records.length}`} label="Query results" testId="query-results" data={records} columns={columns} getRowId={(r, i) => r.key.digest ?? `row-${i}`} height={480} />
          )}
        </>
      )}
    </div>
  );
}
