/** Info console: terminal-style asinfo commands, history with ↑/↓, node selection, read-only by default. */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { endpoints, keys } from "../../api/endpoints";
import { describeError } from "../../api/errors";
import type { NodeReply } from "../../api/types";
import { useConnId } from "../../app/useProfile";
import { PageHeader, Spinner } from "../../components/ui";
import { emptyHistory, historyDown, historyUp, pushHistory, type History } from "./history";

interface Entry {
  id: number;
  command: string;
  node: string | null;
  replies?: NodeReply[];
  error?: string;
}

const HISTORY_KEY = "acm.console.history";

function loadHistory(): History {
  try {
    const v = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? "[]") as unknown;
    return emptyHistory(Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  } catch {
    return emptyHistory();
  }
}

/** Splits `a=1;b=2` replies into lines so long statistics are readable. */
function pretty(reply: string): string {
  return reply.includes(";") && !reply.includes("\n") ? reply.split(";").join("\n") : reply;
}

export default function ConsolePage() {
  const id = useConnId();
  const nodes = useQuery({ queryKey: keys.nodeViews(id), queryFn: () => endpoints.nodeViews(id) });
  const [node, setNode] = useState<string>("");
  const [line, setLine] = useState("");
  const [hist, setHist] = useState<History>(loadHistory);
  const [entries, setEntries] = useState<Entry[]>([]);
  const out = useRef<HTMLDivElement>(null);
  const seq = useRef(0);

  useEffect(() => {
    try {
      localStorage.setItem(HISTORY_KEY, JSON.stringify(hist.entries));
    } catch {
      /* ignore */
    }
  }, [hist.entries]);
  useEffect(() => {
    out.current?.scrollTo({ top: out.current.scrollHeight });
  }, [entries]);

  const run = useMutation({
    mutationFn: ({ command, node: n }: { command: string; node: string | null }) => endpoints.info(id, command, n),
    onMutate: ({ command, node: n }) => {
      const e: Entry = { id: ++seq.current, command, node: n };
      setEntries((list) => [...list, e]);
      return e.id;
    },
    onSuccess: (res, _v, eid) => setEntries((l) => l.map((e) => (e.id === eid ? { ...e, replies: res.replies } : e))),
    onError: (err, _v, eid) => {
      const v = describeError(err);
      setEntries((l) => l.map((e) => (e.id === eid ? { ...e, error: [v.title, v.detail].filter(Boolean).join(": ") } : e)));
    },
  });

  const submit = () => {
    const command = line.trim();
    if (!command) return;
    if (command === "clear") {
      setEntries([]);
      setLine("");
      return;
    }
    setHist((h) => pushHistory(h, command));
    setLine("");
    run.mutate({ command, node: node || null });
  };

  return (
    <div className="flex h-full flex-col">
      <PageHeader
        title="Info console"
        description="Run asinfo commands (e.g. build, status, namespaces, namespace/test, sets, sindex). Type clear to clear."
        actions={
          <>
            <label className="flex items-center gap-2 text-sm">
              <span className="muted">Node</span>
              <select className="input max-w-[calc(100vw-7rem)]" value={node} onChange={(e) => setNode(e.target.value)} aria-label="Target node" data-testid="console-node">
                <option value="">All nodes</option>
                {(nodes.data ?? []).filter((n) => !n.error).map((n) => (
                  <option key={n.id} value={n.id}>
                    {n.id} ({n.address})
                  </option>
                ))}
              </select>
            </label>
            <span className="badge" title="Commands that change the cluster are refused unless the manager runs with --allow-info-writes">
              read-only
            </span>
          </>
        }
      />
      <div
        ref={out}
        className="mono min-h-[320px] flex-1 overflow-auto rounded-lg border border-[var(--border)] bg-[#0d1117] p-3 text-[#d1d7e0]"
        role="log"
        aria-label="Console output"
        aria-live="polite"
        data-testid="console-output"
      >
        {entries.length === 0 ? <p className="text-[#8b949e]">Ready. Try “build” or “namespaces”. Use ↑/↓ for history.</p> : null}
        {entries.map((e) => (
          <div key={e.id} className="mb-3">
            <div>
              <span className="text-[#7ee787]">{e.node ?? "all"}</span>
              <span className="text-[#8b949e]"> › </span>
              {e.command}
            </div>
            {e.error ? <pre className="whitespace-pre-wrap text-[#ff7b72]">{e.error}</pre> : null}
            {!e.replies && !e.error ? <Spinner label="Running" /> : null}
            {e.replies?.map((r) => (
              <div key={r.node} className="mt-1">
                {e.replies!.length > 1 ? <div className="text-[#79c0ff]">[{r.node} {r.address}]</div> : null}
                {r.error ? <pre className="whitespace-pre-wrap text-[#ff7b72]">{r.error}</pre> : <pre className="whitespace-pre-wrap break-all">{pretty(r.response ?? "") || "(empty reply)"}</pre>}
              </div>
            ))}
          </div>
        ))}
      </div>
      <form
        className="mt-2 flex gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label className="sr-only" htmlFor="console-input">
          Info command
        </label>
        <input
          id="console-input"
          className="input mono flex-1"
          autoComplete="off"
          spellCheck={false}
          placeholder="info command, e.g. namespace/test"
          value={line}
          onChange={(e) => setLine(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "ArrowUp") {
              e.preventDefault();
              const [h, t] = historyUp(hist, line);
              setHist(h);
              setLine(t);
            } else if (e.key === "ArrowDown") {
              e.preventDefault();
              const [h, t] = historyDown(hist, line);
              setHist(h);
              setLine(t);
            }
          }}
        />
        <button type="submit" className="btn btn-primary">
          Run
        </button>
      </form>
    </div>
  );
}
