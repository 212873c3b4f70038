import { describe, expect, it } from "vitest";
import { applyMergePatch, editPatch, mergePatch, patchDiff } from "./editPatch";
import { fromSpec } from "./wizard";

const stored = {
  size: 3,
  image: "aerospike:ce-8.1.2.0",
  operations: [{ id: "w1", kind: "WarmRestart" }],
  aerospikeConfig: { service: { "proto-fd-max": 15000 }, logging: [{ name: "console", any: "info" }], namespaces: [{ name: "test", "replication-factor": 2, "storage-engine": { type: "memory", "data-size": 1073741824 } }] },
  storage: { volumes: [{ name: "data", source: { persistentVolume: { size: "20Gi" } }, aerospike: { path: "/opt/aerospike/data" } }, { name: "extra", source: { emptyDir: {} }, aerospike: { path: "/x" } }] },
  podSpec: { nodeSelector: { pool: "db" }, metadata: { labels: { a: "1" } } },
  rackConfig: { racks: [{ id: 1, zone: "z1", revision: "r7", storage: { volumes: [] } }] },
  monitoring: { enabled: true, port: 9145 },
};
const meta = { name: "alpha", namespace: "db" };

describe("merge patch", () => {
  it("holds only what changed; removed keys are null; lists are replaced whole", () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { a: 1, b: { c: 2 }, l: [1, 2, 3], n: "x" })).toEqual({ b: { d: null }, l: [1, 2, 3], n: "x" });
    expect(mergePatch({ a: 1 }, { a: 1 })).toBeUndefined();
    const from = { a: { b: 1, c: [1] }, d: 2 };
    const to = { a: { b: 2, c: [1] }, e: 3 };
    expect(applyMergePatch(from, mergePatch(from, to))).toEqual(to);
  });
});

describe("edit patch", () => {
  const loaded = fromSpec(stored, meta);

  it("is empty when nothing was edited, even for spec parts the model does not describe", () => {
    expect(editPatch(stored, loaded, loaded)).toEqual({});
  });

  it("sends only the edited fields and keeps everything else of the resource", () => {
    const edited = { ...loaded, image: "aerospike:ce-8.1.1.1", nodeSelector: "pool=db\nssd=yes", dynamicConfig: true, bandwidthIngress: "1G" };
    const patch = editPatch(stored, loaded, edited);
    expect(patch).toEqual({ image: "aerospike:ce-8.1.1.1", enableDynamicConfigUpdate: true, podSpec: { nodeSelector: { ssd: "yes" } }, bandwidthConfig: { ingress: "1G" } });
    const after = applyMergePatch(stored, patch) as typeof stored;
    expect(after.operations).toEqual(stored.operations);
    expect(after.storage).toEqual(stored.storage);
    expect(after.podSpec.metadata).toEqual(stored.podSpec.metadata);
    expect(after.aerospikeConfig).toEqual(stored.aerospikeConfig);
  });

  it("removes a field the user cleared", () => {
    const patch = editPatch(stored, loaded, { ...loaded, monitoringEnabled: false });
    expect(patch).toEqual({ monitoring: null });
  });

  it("patches aerospikeConfig from its JSON, key by key", () => {
    const config = { ...stored.aerospikeConfig, service: { "proto-fd-max": 20000 } };
    expect(editPatch(stored, loaded, loaded, config)).toEqual({ aerospikeConfig: { service: { "proto-fd-max": 20000 } } });
  });

  it("keeps a rack's stored storage and revision when the rack list changes", () => {
    const edited = { ...loaded, racks: [{ ...loaded.racks[0]!, nodeSelector: "disk=nvme" }] };
    const patch = editPatch(stored, loaded, edited);
    expect(patch).toEqual({ rackConfig: { racks: [{ id: 1, zone: "z1", revision: "r7", storage: { volumes: [] }, podSpec: { nodeSelector: { disk: "nvme" } } }] } });
  });

  it("lists the diff shown before applying, with the value now and after", () => {
    const patch = editPatch(stored, loaded, { ...loaded, size: "5", monitoringEnabled: false, nodeSelector: "" });
    expect(patchDiff(stored, patch)).toEqual([
      { path: "size", before: 3, after: 5 },
      { path: "podSpec.nodeSelector", before: { pool: "db" }, after: undefined },
      { path: "monitoring", before: { enabled: true, port: 9145 }, after: undefined },
    ]);
  });
});
