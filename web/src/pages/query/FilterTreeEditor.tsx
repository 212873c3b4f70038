/**
 * Nested and/or filter editor over the pure operations in lib/filterTree. Keyboard users keep
 * their place: adding a condition or group focuses its first field, removing one focuses the
 * "Condition" button of the group it was in.
 */
import { useEffect, useRef, useState } from "react";
import { Icon } from "../../components/icons";
import { IconButton, Segmented } from "../../components/ui";
import {
  addCondition,
  addGroup,
  COND_TYPES,
  newCondition,
  MAX_DEPTH,
  OPERATORS,
  operatorsFor,
  removeNode,
  setLogic,
  updateCondition,
  type Condition,
  type Group,
  type Logic,
  type NodeError,
} from "../../lib/filterTree";

interface Ctx {
  root: Group;
  onChange: (g: Group) => void;
  errors: Map<string, string>;
  /** Focus the element with this `data-focus-key` after the next render. */
  focus: (key: string) => void;
}

function findGroup(g: Group, id: string): Group | undefined {
  if (g.id === id) return g;
  for (const c of g.children) {
    const r = c.kind === "group" ? findGroup(c, id) : undefined;
    if (r) return r;
  }
  return undefined;
}

function ConditionRow({ c, ctx, path, parentId }: { c: Condition; ctx: Ctx; path: string; parentId: string }) {
  const arity = OPERATORS[c.op].operands;
  const err = ctx.errors.get(c.id);
  const up = (patch: Partial<Condition>) => ctx.onChange(updateCondition(ctx.root, c.id, patch));
  return (
    <li className="flex flex-wrap items-center gap-2" data-testid="filter-condition">
      <input className="input w-32 mono" data-focus-key={`bin:${c.id}`} aria-label={`Condition ${path} bin`} placeholder="bin" value={c.bin} aria-invalid={!!err} onChange={(e) => up({ bin: e.target.value })} />
      <select className="input" aria-label={`Condition ${path} type`} value={c.valueType} onChange={(e) => up({ valueType: e.target.value as Condition["valueType"] })}>
        {COND_TYPES.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
      <select className="input" aria-label={`Condition ${path} operator`} value={c.op} onChange={(e) => up({ op: e.target.value as Condition["op"] })}>
        {operatorsFor(c.valueType).map((o) => (
          <option key={o} value={o}>
            {OPERATORS[o].label}
          </option>
        ))}
      </select>
      {arity >= 1 ? (
        <input className="input w-40 mono" aria-label={`Condition ${path} value`} placeholder={arity === 2 ? "from" : "value"} value={c.value} onChange={(e) => up({ value: e.target.value })} />
      ) : null}
      {arity === 2 ? (
        <input className="input w-40 mono" aria-label={`Condition ${path} upper value`} placeholder="to" value={c.value2} onChange={(e) => up({ value2: e.target.value })} />
      ) : null}
      <IconButton
        icon="x"
        label={`Remove condition ${path}`}
        onClick={() => {
          ctx.onChange(removeNode(ctx.root, c.id));
          ctx.focus(`add:${parentId}`);
        }}
      />
      {err ? <p className="w-full text-xs text-red-600 dark:text-red-400">{err}</p> : null}
    </li>
  );
}

function GroupBox({ g, ctx, depth, path, parentId }: { g: Group; ctx: Ctx; depth: number; path: string; parentId?: string }) {
  const err = ctx.errors.get(g.id);
  const isRoot = depth === 1;
  return (
    <div
      className={`rounded-md border border-[var(--border)] p-3 ${isRoot ? "" : "bg-[var(--panel-2)]"}`}
      role="group"
      aria-label={isRoot ? "Filter" : `Group ${path}`}
      data-testid="filter-group"
    >
      <div className="mb-2 flex flex-wrap items-center gap-2">
        {g.children.length > 1 || !isRoot ? (
          <Segmented<Logic>
            label={`Match ${isRoot ? "filter" : `group ${path}`}`}
            value={g.logic}
            onChange={(l) => ctx.onChange(setLogic(ctx.root, g.id, l))}
            options={[
              { value: "and", label: "AND", title: "All conditions match" },
              { value: "or", label: "OR", title: "Any condition matches" },
            ]}
          />
        ) : null}
        <span className="muted text-xs">{g.children.length === 0 ? (isRoot ? "No filter: every record matches." : "Empty group") : g.logic === "and" ? "all must match" : "any may match"}</span>
        {!isRoot ? (
          <span className="ml-auto">
            <IconButton
              icon="trash"
              label={`Remove group ${path}`}
              onClick={() => {
                ctx.onChange(removeNode(ctx.root, g.id));
                if (parentId) ctx.focus(`add:${parentId}`);
              }}
            />
          </span>
        ) : null}
      </div>
      {g.children.length > 0 ? (
        <ul className="mb-2 space-y-2">
          {g.children.map((c, i) =>
            c.kind === "condition" ? (
              <ConditionRow key={c.id} c={c} ctx={ctx} path={`${path}${i + 1}`} parentId={g.id} />
            ) : (
              <li key={c.id}>
                <GroupBox g={c} ctx={ctx} depth={depth + 1} path={`${path}${i + 1}.`} parentId={g.id} />
              </li>
            ),
          )}
        </ul>
      ) : null}
      {err ? <p className="mb-2 text-xs text-red-600 dark:text-red-400">{err}</p> : null}
      <div className="flex gap-2">
        <button
          type="button"
          className="btn h-7"
          data-focus-key={`add:${g.id}`}
          onClick={() => {
            const cond = newCondition();
            ctx.onChange(addCondition(ctx.root, g.id, cond));
            ctx.focus(`bin:${cond.id}`);
          }}
        >
          <Icon name="plus" /> Condition
        </button>
        {depth < MAX_DEPTH ? (
          <button
            type="button"
            className="btn h-7"
            onClick={() => {
              const next = addGroup(ctx.root, g.id, g.logic === "and" ? "or" : "and");
              ctx.onChange(next);
              const added = findGroup(next, g.id)?.children.at(-1);
              const first = added?.kind === "group" ? added.children[0] : undefined;
              if (first) ctx.focus(`bin:${first.id}`);
            }}
          >
            <Icon name="plus" /> Group
          </button>
        ) : null}
      </div>
    </div>
  );
}

export function FilterTreeEditor({ value, onChange, errors = [] }: { value: Group; onChange: (g: Group) => void; errors?: NodeError[] }) {
  const box = useRef<HTMLDivElement>(null);
  const [focusKey, setFocusKey] = useState<string | null>(null);
  useEffect(() => {
    if (!focusKey) return;
    box.current?.querySelector<HTMLElement>(`[data-focus-key="${focusKey}"]`)?.focus();
    setFocusKey(null);
  }, [focusKey, value]);
  const ctx: Ctx = { root: value, onChange, errors: new Map(errors.map((e) => [e.id, e.message])), focus: setFocusKey };
  return (
    <div ref={box}>
      <GroupBox g={value} ctx={ctx} depth={1} path="" />
    </div>
  );
}
