import { describe, expect, it } from "vitest";
import { DEFAULT_MODEL, EMPTY_RACK, fieldOfPath, fromSpec, mapServerErrors, resourceYaml, stepOf, STEPS, toRequest, toSpec, toYaml, validate, type WizardField, type WizardModel } from "./wizard";

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
    expect(fieldOfPath("spec.podSpec.hostNetwork")).toBe("hostNetwork");
    expect(fieldOfPath("spec.monitoring.prometheusRule.customRules[0].rules")).toBe("customRules");
    expect(fieldOfPath("spec.rackConfig.racks[1].zone")).toBe("racks.1.zone");
    expect(fieldOfPath("spec.rackConfig.racks[0].storage.volumes[0].source.persistentVolume.size")).toBe("racks.0.volumeSize");
    expect(fieldOfPath("spec.rackConfig.racks[0].podSpec.tolerations[0].effect")).toBe("racks.0.tolerations");
    expect(fieldOfPath("spec.aerospikeNetworkPolicy.customAccessNetworkNames")).toBe("customAccessNetworkNames");
    expect(fieldOfPath("spec.podSpec.aerospikeContainer.resources.limits.memory")).toBe("memoryLimit");
    expect(fieldOfPath("spec.operations")).toBeNull();
    expect(stepOf("size")).toBe(0);
    expect(stepOf("volumeSize")).toBe(1);
    expect(stepOf("customRules")).toBe(2);
    expect(stepOf("autoConnect")).toBe(3);
    expect(stepOf("maxUnavailable")).toBe(5);
    expect(stepOf("racks.1.zone")).toBe(6);
    expect(stepOf("sidecars")).toBe(7);
    const m = mapServerErrors([
      { field: "namespace", message: "namespace \"x\" does not exist" },
      { field: "spec.operations[0].id", message: "too long" },
    ]);
    expect(m.byField).toEqual({ namespace: ['namespace "x" does not exist'] });
    expect(m.other).toEqual([{ field: "spec.operations[0].id", message: "too long" }]);
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

  it("puts every model field on exactly one step (Review and Security collect none)", () => {
    const onSteps = STEPS.flatMap((st) => [...st.fields]) as string[];
    expect(new Set(onSteps).size).toBe(onSteps.length);
    expect([...onSteps].sort()).toEqual(Object.keys(DEFAULT_MODEL).sort());
    expect(STEPS.map((st) => st.label)).toEqual(["Basic", "Namespace & Storage", "Monitoring & Options", "Resources", "Security (ACL)", "Rolling Update", "Rack Config", "Advanced", "Review"]);
  });
});

/** A model with every field set away from its default (canonical text forms). */
export const FULL: WizardModel = {
  name: "orders",
  namespace: "db",
  size: "6",
  image: "aerospike:ce-8.1.1.1",
  nsName: "events",
  replicationFactor: "3",
  storage: "persistent",
  dataSizeGi: "16",
  storageClass: "gp3",
  volumeSize: "50Gi",
  volumeInitMethod: "deleteFiles",
  volumeWipeMethod: "dd",
  volumeCascadeDelete: "true",
  cleanupThreads: "4",
  fsInitMethod: "headerCleanup",
  fsWipeMethod: "deleteFiles",
  fsCascadeDelete: true,
  blockInitMethod: "blkdiscard",
  blockWipeMethod: "blkdiscardWithHeaderCleanup",
  blockCascadeDelete: true,
  localStorageClasses: "local-path, local-static",
  deleteLocalStorageOnRestart: true,
  monitoringEnabled: true,
  exporterImage: "aerospike/aerospike-prometheus-exporter:1.20.0",
  exporterPort: "9200",
  metricLabels: "team=payments\nenv=prod",
  exporterCpuRequest: "100m",
  exporterMemoryRequest: "64Mi",
  exporterCpuLimit: "200m",
  exporterMemoryLimit: "128Mi",
  exporterEnv: "AS_AUTH_MODE=internal\nTICKER_TIMEOUT=5",
  serviceMonitorEnabled: true,
  serviceMonitorInterval: "15s",
  serviceMonitorLabels: "release=kube-prometheus",
  prometheusRuleEnabled: true,
  prometheusRuleLabels: "role=alert-rules",
  customRules: JSON.stringify([{ name: "orders", rules: [{ alert: "Down", expr: "up == 0" }] }], null, 2),
  templateRef: "prod-defaults",
  dynamicConfig: true,
  accessType: "configuredIP",
  alternateAccessType: "hostExternal",
  fabricType: "configuredIP",
  customAccessNetworkNames: "net-a, net-b",
  customAlternateAccessNetworkNames: "alt-net",
  customFabricNetworkNames: "fabric-net",
  networkPolicyEnabled: true,
  networkPolicyType: "cilium",
  seedsLbEnabled: true,
  seedsLbPort: "4000",
  seedsLbTargetPort: "3000",
  seedsLbExternalTrafficPolicy: "Local",
  seedsLbAnnotations: "service.beta.kubernetes.io/aws-load-balancer-type=nlb",
  seedsLbLabels: "exposed=yes",
  seedsLbSourceRanges: "10.0.0.0/8, 192.168.0.0/16",
  cpuRequest: "2",
  memoryRequest: "8Gi",
  cpuLimit: "4",
  memoryLimit: "16Gi",
  autoConnect: false,
  rollingUpdateBatchSize: "2",
  maxUnavailable: "25%",
  disablePDB: true,
  racks: [
    {
      id: "1",
      zone: "us-east-1a",
      region: "us-east-1",
      nodeName: "node-a",
      rackLabel: "ra",
      maxUnavailable: "1",
      storageClass: "io2",
      volumeSize: "100Gi",
      tolerations: "dedicated=aerospike:NoSchedule\nspot:NoExecute",
      nodeSelector: "disk=nvme",
      affinity: JSON.stringify({ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } }, null, 2),
      aerospikeConfig: JSON.stringify({ service: { "proto-fd-max": 20000 } }, null, 2),
    },
    { ...EMPTY_RACK, id: "2", zone: "us-east-1b" },
  ],
  rackNamespaces: "events",
  maxIgnorablePods: "10%",
  rackRollingUpdateBatchSize: "50%",
  scaleDownBatchSize: "1",
  podManagementPolicy: "Parallel",
  dnsPolicy: "ClusterFirstWithHostNet",
  readinessGate: "false",
  podLabels: "app.kubernetes.io/part-of=shop",
  podAnnotations: "sidecar.istio.io/inject=false",
  headlessAnnotations: "external-dns.alpha.kubernetes.io/hostname=orders.example.com",
  headlessLabels: "dns=on",
  podServiceEnabled: true,
  podServiceType: "NodePort",
  podServiceAnnotations: "a=b",
  podServiceLabels: "c=d",
  bandwidthIngress: "1G",
  bandwidthEgress: "500M",
  nodeBlockList: "node-c, node-d",
  skipWorkDirValidate: true,
  nodeSelector: "pool=db",
  tolerations: "dedicated=db:NoSchedule",
  hostNetwork: true,
  multiPodPerHost: "false",
  imagePullSecrets: "regcred",
  serviceAccountName: "aerospike",
  terminationGracePeriod: "120",
  sidecars: JSON.stringify([{ name: "log-shipper", image: "fluent/fluent-bit:3" }], null, 2),
  initContainers: JSON.stringify([{ name: "tune", image: "busybox", command: ["sysctl", "-w", "vm.swappiness=0"] }], null, 2),
  securityContext: JSON.stringify({ fsGroup: 1000 }, null, 2),
  topologySpreadConstraints: JSON.stringify([{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" }], null, 2),
};

describe("wizard model ↔ CRD spec", () => {
  it("the full model is valid", () => {
    expect(validate(FULL)).toEqual({});
  });

  it("every field round-trips through the spec", () => {
    const req = toRequest(FULL);
    expect(fromSpec(req.spec, { name: req.name, namespace: req.namespace, autoConnect: req.autoConnect })).toEqual(FULL);
    expect(fromSpec(toSpec(DEFAULT_MODEL), { name: "", namespace: "default" })).toEqual(DEFAULT_MODEL);
  });

  it("every field reaches the request: changing it alone changes what is sent", () => {
    for (const f of Object.keys(FULL) as WizardField[]) {
      const changed = { ...FULL, [f]: DEFAULT_MODEL[f] } as WizardModel;
      if (JSON.stringify(DEFAULT_MODEL[f]) === JSON.stringify(FULL[f])) throw new Error(`FULL.${f} equals its default`);
      expect(JSON.stringify(toRequest(changed)), f).not.toBe(JSON.stringify(toRequest(FULL)));
    }
  });

  it("maps the full model to the CRD's field names", () => {
    const s = toSpec(FULL) as Record<string, any>;
    expect(s.templateRef).toEqual({ name: "prod-defaults" });
    expect(s.storage.volumes[0]).toEqual({
      name: "data",
      source: { persistentVolume: { storageClass: "gp3", size: "50Gi", volumeMode: "Filesystem" } },
      aerospike: { path: "/opt/aerospike/data" },
      initMethod: "deleteFiles",
      wipeMethod: "dd",
      cascadeDelete: true,
    });
    expect(s.storage.filesystemVolumePolicy).toEqual({ initMethod: "headerCleanup", wipeMethod: "deleteFiles", cascadeDelete: true });
    expect(s.monitoring.env).toEqual([
      { name: "AS_AUTH_MODE", value: "internal" },
      { name: "TICKER_TIMEOUT", value: "5" },
    ]);
    expect(s.monitoring.prometheusRule.customRules[0].name).toBe("orders");
    expect(s.aerospikeNetworkPolicy).toEqual({ accessType: "configuredIP", alternateAccessType: "hostExternal", fabricType: "configuredIP", customAccessNetworkNames: ["net-a", "net-b"], customAlternateAccessNetworkNames: ["alt-net"], customFabricNetworkNames: ["fabric-net"] });
    expect(s.networkPolicyConfig).toEqual({ enabled: true, type: "cilium" });
    expect(s.seedsFinderServices.loadBalancer.loadBalancerSourceRanges).toEqual(["10.0.0.0/8", "192.168.0.0/16"]);
    expect(s.maxUnavailable).toBe("25%");
    expect(s.rackConfig.racks[0].storage.volumes[0].source.persistentVolume).toEqual({ storageClass: "io2", size: "100Gi", volumeMode: "Filesystem" });
    expect(s.rackConfig.racks[0].podSpec.tolerations).toEqual([
      { key: "dedicated", operator: "Equal", value: "aerospike", effect: "NoSchedule" },
      { key: "spot", operator: "Exists", effect: "NoExecute" },
    ]);
    expect(s.rackConfig.racks[1]).toEqual({ id: 2, zone: "us-east-1b" });
    expect(s.rackConfig.maxIgnorablePods).toBe("10%");
    expect(s.rackConfig.scaleDownBatchSize).toBe(1);
    expect(s.podSpec.imagePullSecrets).toEqual([{ name: "regcred" }]);
    expect(s.podSpec.readinessGateEnabled).toBe(false);
    expect(s.podSpec.aerospikeContainer.resources).toEqual({ requests: { cpu: "2", memory: "8Gi" }, limits: { cpu: "4", memory: "16Gi" } });
    expect(s.k8sNodeBlockList).toEqual(["node-c", "node-d"]);
    expect(s.bandwidthConfig).toEqual({ ingress: "1G", egress: "500M" });
    expect(s.podService).toEqual({ serviceType: "NodePort", metadata: { labels: { c: "d" }, annotations: { a: "b" } } });
    expect(s.aerospikeAccessControl).toBeUndefined();
  });

  it("validates the later steps as you type", () => {
    const ok = { ...FULL };
    expect(validate({ ...ok, cpuRequest: "3", cpuLimit: "2" }).cpuLimit).toBe("The limit must be at least the request (3)");
    expect(validate({ ...ok, memoryRequest: "8Gi", memoryLimit: "4096Mi" }).memoryLimit).toContain("at least the request");
    expect(validate({ ...ok, memoryRequest: "lots" }).memoryRequest).toContain("Not a memory quantity");
    expect(validate({ ...ok, exporterPort: "3001" }).exporterPort).toContain("belong to Aerospike");
    expect(validate({ ...ok, customRules: "[{" }).customRules).toContain("Not valid JSON");
    expect(validate({ ...ok, customRules: '[{"name": "x"}]' }).customRules).toBe("Each rule group is an object with a name and a rules list");
    expect(validate({ ...ok, metricLabels: "team" }).metricLabels).toBe("Use one key=value per line (not: team)");
    expect(validate({ ...ok, customAccessNetworkNames: "" }).customAccessNetworkNames).toBe("configuredIP needs at least one network name");
    expect(validate({ ...ok, seedsLbSourceRanges: "10.0.0.0" }).seedsLbSourceRanges).toContain("Not a CIDR");
    expect(validate({ ...ok, maxUnavailable: "0" }).maxUnavailable).toContain("at least 1");
    expect(validate({ ...ok, maxUnavailable: "abc" }).maxUnavailable).toContain("percentage");
    expect(validate({ ...ok, tolerations: "a=b:Sometimes" }).tolerations).toContain("One toleration per line");
    expect(validate({ ...ok, dnsPolicy: "ClusterFirst" }).dnsPolicy).toContain("ClusterFirstWithHostNet");
    expect(validate({ ...ok, sidecars: '{"name": "x"}' }).sidecars).toBe("Enter a JSON list ([...])");
    const dup = validate({ ...ok, racks: [FULL.racks[0]!, { ...FULL.racks[1]!, id: "1" }] });
    expect(dup["racks.1.id"]).toBe("Rack id 1 is used twice");
    expect(validate({ ...ok, storage: "memory", racks: [FULL.racks[0]!] })["racks.0.storageClass"]).toBe("Per-rack storage needs persistent storage (step 2)");
    expect(validate({ ...ok, size: "1", replicationFactor: "1" }).racks).toContain("More racks (2) than nodes (1)");
    expect(validate({ ...ok, rackNamespaces: "a, b, c" }).rackNamespaces).toContain("at most 2");
  });
});

