import { describe, expect, it } from "vitest";
import { EMPTY_TEMPLATE, templateFieldOfPath, templateRequest, TEMPLATE_SECTIONS, validateTemplate, type TemplateField, type TemplateModel } from "./templateModel";

const FULL: TemplateModel = {
  name: "prod-defaults",
  description: "Production baseline",
  image: "aerospike:ce-8.1.2.0",
  size: "3",
  cpuRequest: "1",
  memoryRequest: "4Gi",
  cpuLimit: "2",
  memoryLimit: "8Gi",
  podAntiAffinityLevel: "required",
  podManagementPolicy: "Parallel",
  tolerations: "dedicated=db:NoSchedule",
  nodeAffinity: '{"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []}}',
  topologySpreadConstraints: '[{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway"}]',
  storageClassName: "local-path",
  volumeMode: "Filesystem",
  storageSize: "50Gi",
  localPVRequired: true,
  localStorageClasses: "local-path",
  deleteLocalStorageOnRestart: true,
  monitoringEnabled: true,
  exporterImage: "aerospike/aerospike-prometheus-exporter:1.20.0",
  exporterPort: "9145",
  accessType: "hostInternal",
  alternateAccessType: "hostExternal",
  fabricType: "pod",
  featureKeyFile: "/etc/aerospike/secrets/features.conf",
  heartbeatMode: "mesh",
  heartbeatPort: "3002",
  heartbeatInterval: "150",
  heartbeatTimeout: "10",
  maxRacksPerNode: "1",
  namespaceDefaults: '{"default-ttl": 0}',
  serviceOverrides: '{"proto-fd-max": 20000}',
};

describe("template form", () => {
  it("shows every field in exactly one section", () => {
    const all = TEMPLATE_SECTIONS.flatMap((s) => [...s.fields]);
    expect([...all].sort()).toEqual(Object.keys(EMPTY_TEMPLATE).sort());
    expect(new Set(all).size).toBe(all.length);
  });

  it("maps every section to the template spec", () => {
    expect(validateTemplate(FULL)).toEqual({});
    expect(templateRequest(FULL)).toEqual({
      name: "prod-defaults",
      spec: {
        description: "Production baseline",
        image: "aerospike:ce-8.1.2.0",
        size: 3,
        resources: { requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "2", memory: "8Gi" } },
        scheduling: {
          podAntiAffinityLevel: "required",
          podManagementPolicy: "Parallel",
          tolerations: [{ key: "dedicated", operator: "Equal", value: "db", effect: "NoSchedule" }],
          nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway" }],
        },
        storage: { storageClassName: "local-path", volumeMode: "Filesystem", resources: { requests: { storage: "50Gi" } }, localPVRequired: true, localStorageClasses: ["local-path"], deleteLocalStorageOnRestart: true },
        monitoring: { enabled: true, exporterImage: "aerospike/aerospike-prometheus-exporter:1.20.0", port: 9145 },
        aerospikeNetworkPolicy: { accessType: "hostInternal", alternateAccessType: "hostExternal", fabricType: "pod" },
        aerospikeConfig: {
          service: { "proto-fd-max": 20000, "feature-key-file": "/etc/aerospike/secrets/features.conf" },
          network: { heartbeat: { mode: "mesh", port: 3002, interval: 150, timeout: 10 } },
          namespaceDefaults: { "default-ttl": 0 },
        },
        rackConfig: { maxRacksPerNode: 1 },
      },
    });
    expect(templateRequest({ ...EMPTY_TEMPLATE, name: "bare" })).toEqual({ name: "bare", spec: {} });
  });

  it("every field reaches the request", () => {
    for (const f of Object.keys(FULL) as TemplateField[]) {
      expect(JSON.stringify(templateRequest({ ...FULL, [f]: EMPTY_TEMPLATE[f] })), f).not.toBe(JSON.stringify(templateRequest(FULL)));
    }
  });

  it("validates with messages that say how to fix", () => {
    const e = validateTemplate({ ...FULL, name: "Prod", size: "9", heartbeatMode: "multicast", heartbeatPort: "3005", heartbeatInterval: "10", featureKeyFile: "features.conf", cpuLimit: "500m" });
    expect(e).toEqual({
      name: expect.stringContaining("Lowercase"),
      size: "Community Edition clusters have 1 to 8 nodes",
      heartbeatMode: expect.stringContaining("Only mesh"),
      heartbeatPort: expect.stringContaining("3002"),
      heartbeatInterval: "At least 50 ms",
      featureKeyFile: expect.stringContaining("absolute path"),
      cpuLimit: "The limit must be at least the request",
    });
    expect(validateTemplate({ ...FULL, localPVRequired: true, storageClassName: "" }).localPVRequired).toContain("StorageClass");
  });

  it("maps server paths to the fields", () => {
    expect(templateFieldOfPath("spec.aerospikeConfig.network.heartbeat.interval")).toBe("heartbeatInterval");
    expect(templateFieldOfPath("spec.scheduling.tolerations[0].effect")).toBe("tolerations");
    expect(templateFieldOfPath("spec.storage.resources.requests.storage")).toBe("storageSize");
    expect(templateFieldOfPath("name")).toBe("name");
    expect(templateFieldOfPath("spec.nothing")).toBeNull();
  });
});
