import { describe, expect, it } from "vitest";
import { DEFAULT_MODEL, fieldOfPath, mapServerErrors, resourceYaml, stepOf, toRequest, toYaml, validate } from "./wizard";

const ok = { ...DEFAULT_MODEL, name: "orders" };

describe("create wizard model", () => {
  it("validates as you type", () => {
    expect(validate(ok)).toEqual({});
    expect(validate({ ...ok, name: "Orders_1", size: "9", replicationFactor: "4", image: "" })).toEqual({
      name: expect.stringContaining("lowercase"),
      size: "Community Edition clusters have 1 to 8 nodes",
      image: expect.stringContaining("Enter the Aerospike image"),
    });
    expect(validate({ ...ok, replicationFactor: "4" }).replicationFactor).toBe("At most the cluster size (3)");
    expect(validate({ ...ok, storage: "persistent", volumeSize: "20GB" }).volumeSize).toContain("20Gi");
    expect(validate({ ...ok, name: "a".repeat(64) }).name).toContain("63");
  });

  it("maps an in-memory cluster to the CreateCluster request", () => {
    expect(toRequest(ok)).toEqual({
      name: "orders",
      namespace: "default",
      autoConnect: true,
      spec: {
        size: 3,
        image: "aerospike:ce-8.1.2.0",
        aerospikeConfig: { namespaces: [{ name: "test", "replication-factor": 2, "storage-engine": { type: "memory", "data-size": 1073741824 } }] },
      },
    });
  });

  it("maps a persistent cluster to a PVC volume and a device namespace on it", () => {
    const r = toRequest({ ...ok, storage: "persistent", storageClass: "gp3", volumeSize: "50Gi", dataSizeGi: "16", autoConnect: false });
    expect(r.autoConnect).toBe(false);
    expect(r.spec).toEqual({
      size: 3,
      image: "aerospike:ce-8.1.2.0",
      storage: { volumes: [{ name: "data", source: { persistentVolume: { storageClass: "gp3", size: "50Gi", volumeMode: "Filesystem" } }, aerospike: { path: "/opt/aerospike/data" } }] },
      aerospikeConfig: {
        namespaces: [{ name: "test", "replication-factor": 2, "storage-engine": { type: "device", files: ["/opt/aerospike/data/test.dat"], filesize: 17179869184 } }],
      },
    });
  });

  it("maps the server's 422 paths onto wizard fields and steps", () => {
    expect(fieldOfPath("name")).toBe("name");
    expect(fieldOfPath("spec.size")).toBe("size");
    expect(fieldOfPath("spec.aerospikeConfig.namespaces[0].replication-factor")).toBe("replicationFactor");
    expect(fieldOfPath("spec.aerospikeConfig.namespaces.0.storage-engine.data-size")).toBe("dataSizeGi");
    expect(fieldOfPath("spec.storage.volumes[0].source.persistentVolume.storageClass")).toBe("storageClass");
    expect(fieldOfPath("spec.storage.volumes[0].source.persistentVolume.size")).toBe("volumeSize");
    expect(fieldOfPath("spec.podSpec.hostNetwork")).toBeNull();
    expect(stepOf("size")).toBe(0);
    expect(stepOf("volumeSize")).toBe(1);
    const m = mapServerErrors([
      { field: "namespace", message: "namespace \"x\" does not exist" },
      { field: "spec.podSpec.x", message: "unknown field" },
    ]);
    expect(m.byField).toEqual({ namespace: ['namespace "x" does not exist'] });
    expect(m.other).toEqual([{ field: "spec.podSpec.x", message: "unknown field" }]);
  });

  it("renders the review YAML", () => {
    expect(toYaml({ a: [1, { b: "x y", c: [] }], d: { e: "true", f: null } })).toBe('a:\n  - 1\n  - b: "x y"\n    c: []\nd:\n  e: "true"\n  f: null\n');
    expect(resourceYaml(toRequest(ok))).toBe(
      [
        "apiVersion: acko.io/v1alpha1",
        "kind: AerospikeCluster",
        "metadata:",
        "  name: orders",
        "  namespace: default",
        "spec:",
        "  size: 3",
        "  image: aerospike:ce-8.1.2.0",
        "  aerospikeConfig:",
        "    namespaces:",
        "      - name: test",
        "        replication-factor: 2",
        "        storage-engine:",
        "          type: memory",
        "          data-size: 1073741824",
        "",
      ].join("\n"),
    );
  });
});
