/** The wizard's steps 2–8 as field groups (the edit dialog reuses most of them). */
import { Segmented } from "../../components/ui";
import { Check, Group, KV_HINT, LIST_HINT, RackFields, Select, TextArea, TextInput, TOL_HINT, type Bind } from "./WizardFields";
import { ACCESS_TYPES, DNS_POLICIES, EMPTY_RACK, POD_SERVICE_TYPES, VOLUME_INIT_METHODS, VOLUME_WIPE_METHODS, type StorageKind } from "./wizardModel";
import { parseList } from "./wizardMap";

export interface Pickers {
  storageClasses: Array<{ name: string; isDefault?: boolean }>;
  templates: string[];
  nodes: Array<{ name: string; zone?: string | null }>;
  zones: string[];
  secrets: Array<{ name: string; keys: string[] }>;
}

const TRI = [
  { value: "true", label: "Yes" },
  { value: "false", label: "No" },
];

export function StorageStep({ b }: { b: Bind }) {
  const { m } = b;
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <TextInput b={b} f="nsName" label="Aerospike namespace" />
      <TextInput b={b} f="replicationFactor" label="Replication factor" type="number" inputMode="numeric" />
      <div className="sm:col-span-2">
        <span className="label">Storage</span>
        <Segmented<StorageKind>
          label="Storage"
          value={m.storage}
          onChange={(v) => b.set("storage", v)}
          options={[
            { value: "memory", label: "In memory" },
            { value: "persistent", label: "Persistent volume (PVC)" },
          ]}
        />
        {b.msg("storage") ? <p className="mt-1 text-xs text-red-600 dark:text-red-400">{b.msg("storage")}</p> : null}
      </div>
      <TextInput b={b} f="dataSizeGi" label="Data size (GiB)" type="number" inputMode="numeric" />
      {m.storage === "persistent" ? (
        <>
          <TextInput b={b} f="storageClass" label="StorageClass" list="k8s-storageclasses" hint="Empty: the cluster's default StorageClass." />
          <TextInput b={b} f="volumeSize" label="Volume size" hint="e.g. 20Gi" />
          <Group title="Volume policies" description="How the data volume is initialised the first time and wiped when dirty.">
            <Select b={b} f="volumeInitMethod" label="Volume init method" options={VOLUME_INIT_METHODS} unset="Policy default" />
            <Select b={b} f="volumeWipeMethod" label="Volume wipe method" options={VOLUME_WIPE_METHODS} unset="Policy default" />
            <Select b={b} f="volumeCascadeDelete" label="Cascade delete (delete the PVC with the pod)" options={TRI} unset="Policy default" />
            <TextInput b={b} f="cleanupThreads" label="Cleanup threads" type="number" inputMode="numeric" hint="Threads that initialise or wipe volumes. Default 1." />
            <Select b={b} f="fsInitMethod" label="Filesystem policy: init method" options={VOLUME_INIT_METHODS} />
            <Select b={b} f="fsWipeMethod" label="Filesystem policy: wipe method" options={VOLUME_WIPE_METHODS} />
            <Check b={b} f="fsCascadeDelete" label="Filesystem policy: cascade delete" />
            <Select b={b} f="blockInitMethod" label="Block policy: init method" options={VOLUME_INIT_METHODS} />
            <Select b={b} f="blockWipeMethod" label="Block policy: wipe method" options={VOLUME_WIPE_METHODS} />
            <Check b={b} f="blockCascadeDelete" label="Block policy: cascade delete" />
            <TextInput b={b} f="localStorageClasses" label="Local StorageClasses" hint={`Node-local provisioners. ${LIST_HINT}`} />
            <Check b={b} f="deleteLocalStorageOnRestart" label="Delete local PVCs when their pod restarts" />
          </Group>
        </>
      ) : null}
    </div>
  );
}

export function MonitoringFields({ b }: { b: Bind }) {
  const { m } = b;
  return (
    <Group title="Prometheus monitoring">
      <Check b={b} f="monitoringEnabled" label="Enable the metrics exporter sidecar" />
      {m.monitoringEnabled ? (
        <>
          <TextInput b={b} f="exporterImage" label="Exporter image" hint="Empty: the operator's default." />
          <TextInput b={b} f="exporterPort" label="Exporter port" type="number" inputMode="numeric" hint="Default 9145." />
          <TextArea b={b} f="metricLabels" label="Metric labels" hint={KV_HINT} />
          <TextArea b={b} f="exporterEnv" label="Exporter environment" hint="One NAME=value per line." />
          <TextInput b={b} f="exporterCpuRequest" label="Exporter CPU request" placeholder="100m" />
          <TextInput b={b} f="exporterCpuLimit" label="Exporter CPU limit" placeholder="200m" />
          <TextInput b={b} f="exporterMemoryRequest" label="Exporter memory request" placeholder="64Mi" />
          <TextInput b={b} f="exporterMemoryLimit" label="Exporter memory limit" placeholder="128Mi" />
          <Check b={b} f="serviceMonitorEnabled" label="Create a ServiceMonitor" />
          {m.serviceMonitorEnabled ? (
            <>
              <TextInput b={b} f="serviceMonitorInterval" label="Scrape interval" placeholder="30s" />
              <TextArea b={b} f="serviceMonitorLabels" label="ServiceMonitor labels" hint={KV_HINT} />
            </>
          ) : null}
          <Check b={b} f="prometheusRuleEnabled" label="Create a PrometheusRule" />
          {m.prometheusRuleEnabled ? (
            <>
              <TextArea b={b} f="prometheusRuleLabels" label="PrometheusRule labels" hint={KV_HINT} />
              <TextArea
                b={b}
                f="customRules"
                label="Custom rule groups (JSON)"
                rows={5}
                hint='A list of {"name": ..., "rules": [...]} groups; they replace the built-in alerts (NodeDown, StopWrites, HighDiskUsage, HighMemoryUsage).'
              />
            </>
          ) : null}
        </>
      ) : null}
    </Group>
  );
}

export function NetworkFields({ b }: { b: Bind }) {
  const { m } = b;
  const access = ACCESS_TYPES.map((t) => ({ value: t, label: { pod: "Pod IP", hostInternal: "Host internal IP", hostExternal: "Host external IP", configuredIP: "Configured IP (network names)" }[t] }));
  return (
    <>
      <Group title="Network access" description="Which address each node advertises to clients and peers. Default: Pod IP.">
        <Select b={b} f="accessType" label="Access type" options={access} />
        <TextInput b={b} f="customAccessNetworkNames" label="Access network names" hint={`For configuredIP. ${LIST_HINT}`} />
        <Select b={b} f="alternateAccessType" label="Alternate access type" options={access} />
        <TextInput b={b} f="customAlternateAccessNetworkNames" label="Alternate access network names" hint={`For configuredIP. ${LIST_HINT}`} />
        <Select b={b} f="fabricType" label="Fabric type" options={access} />
        <TextInput b={b} f="customFabricNetworkNames" label="Fabric network names" hint={`For configuredIP. ${LIST_HINT}`} />
      </Group>
      <Group title="Kubernetes NetworkPolicy">
        <Check b={b} f="networkPolicyEnabled" label="Generate a NetworkPolicy for the cluster" />
        {m.networkPolicyEnabled ? <Select b={b} f="networkPolicyType" label="Policy type" options={[{ value: "kubernetes", label: "Kubernetes" }, { value: "cilium", label: "Cilium" }]} unset={null} /> : null}
      </Group>
      <Group title="Seeds finder LoadBalancer" description="A LoadBalancer service in front of all pods, for clients outside the cluster to find seeds.">
        <Check b={b} f="seedsLbEnabled" label="Create the seeds LoadBalancer" />
        {m.seedsLbEnabled ? (
          <>
            <TextInput b={b} f="seedsLbPort" label="Port" type="number" inputMode="numeric" hint="Default 3000." />
            <TextInput b={b} f="seedsLbTargetPort" label="Target port" type="number" inputMode="numeric" hint="Default 3000." />
            <Select b={b} f="seedsLbExternalTrafficPolicy" label="External traffic policy" options={["Cluster", "Local"]} />
            <TextInput b={b} f="seedsLbSourceRanges" label="Source ranges (CIDRs)" hint={LIST_HINT} />
            <TextArea b={b} f="seedsLbAnnotations" label="Annotations" hint={KV_HINT} />
            <TextArea b={b} f="seedsLbLabels" label="Labels" hint={KV_HINT} />
          </>
        ) : null}
      </Group>
    </>
  );
}

export function MonitoringStep({ b, pickers }: { b: Bind; pickers: Pickers }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <MonitoringFields b={b} />
      <Group title="Options">
        <Select b={b} f="templateRef" label="AerospikeClusterTemplate" options={pickers.templates} unset="No template" hint="Defaults are taken from the template; cannot be changed later." />
        <Check b={b} f="dynamicConfig" label="Dynamic configuration updates" hint="Apply dynamic config changes with set-config instead of restarting pods." />
      </Group>
      <NetworkFields b={b} />
    </div>
  );
}

export function ResourcesFields({ b, autoConnect = true }: { b: Bind; autoConnect?: boolean }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <TextInput b={b} f="cpuRequest" label="CPU request" placeholder="1" hint="Cores (2) or millicores (500m)." />
      <TextInput b={b} f="cpuLimit" label="CPU limit" placeholder="2" />
      <TextInput b={b} f="memoryRequest" label="Memory request" placeholder="4Gi" hint="Leave room above the namespace data size." />
      <TextInput b={b} f="memoryLimit" label="Memory limit" placeholder="4Gi" />
      {autoConnect ? <Check b={b} f="autoConnect" label="Auto-connect: create a connection profile for the cluster's headless service" /> : null}
    </div>
  );
}

/** Security (ACL): Community Edition has no access control, so every control is disabled. */
export function SecurityStep({ secrets }: { secrets: Pickers["secrets"] }) {
  return (
    <div className="space-y-3" data-testid="security-step">
      <div role="note" className="rounded-md border border-[var(--border)] bg-[var(--panel-2)] p-3 text-sm">
        <p className="font-medium">Access control is not available in Aerospike Community Edition.</p>
        <p className="mt-1">
          Users, roles, privileges and CIDR allowlists need the Enterprise Edition security feature. The operator rejects an{" "}
          <code className="mono">aerospikeAccessControl</code> section on CE, so nothing here is sent. Protect a CE cluster with the
          NetworkPolicy (step 3) and Kubernetes RBAC instead.
        </p>
      </div>
      <fieldset disabled aria-describedby="acl-off" className="grid gap-3 opacity-100 sm:grid-cols-2">
        <legend id="acl-off" className="sr-only">
          Access control (not available in Community Edition)
        </legend>
        <label className="flex items-center gap-2 text-sm sm:col-span-2">
          <input type="checkbox" aria-disabled="true" checked={false} readOnly />
          Enable access control
        </label>
        <label className="text-sm">
          <span className="label">Role name</span>
          <input className="input w-full" aria-disabled="true" value="" readOnly placeholder="e.g. app-reader" />
        </label>
        <label className="text-sm">
          <span className="label">Privileges</span>
          <input className="input w-full" aria-disabled="true" value="" readOnly placeholder="read.test" />
        </label>
        <label className="text-sm">
          <span className="label">CIDR allowlist</span>
          <input className="input w-full" aria-disabled="true" value="" readOnly placeholder="10.0.0.0/8" />
        </label>
        <label className="text-sm">
          <span className="label">User password Secret</span>
          <select className="input w-full" aria-disabled="true" value="">
            <option value="">{secrets.length ? `${secrets.length} Secrets in the namespace` : "No Secrets found"}</option>
          </select>
        </label>
      </fieldset>
    </div>
  );
}

export function RollingStep({ b }: { b: Bind }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <TextInput b={b} f="rollingUpdateBatchSize" label="Batch size (pods restarted at once)" type="number" inputMode="numeric" hint="Default 1." />
      <TextInput b={b} f="maxUnavailable" label="Max unavailable (PodDisruptionBudget)" hint="An integer or a percentage such as 25%. Default 1." />
      <Check b={b} f="disablePDB" label="Do not create a PodDisruptionBudget" hint="Voluntary evictions (node drains) are then not limited." />
    </div>
  );
}

export function RacksStep({ b, pickers, showStorage = true }: { b: Bind; pickers: Pickers; showStorage?: boolean }) {
  const { m } = b;
  const nextId = () => String(Math.max(0, ...m.racks.map((r) => Number(r.id) || 0)) + 1);
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <div className="space-y-3 sm:col-span-2" aria-label="Racks" role="group">
        {m.racks.length === 0 ? <p className="muted text-sm">No racks: all pods form one implicit rack. Add racks to spread pods over zones.</p> : null}
        {m.racks.map((r, i) => (
          <RackFields
            key={i}
            rack={r}
            index={i}
            msg={b.msg}
            zones={pickers.zones}
            nodes={pickers.nodes.map((n) => n.name)}
            persistent={m.storage === "persistent"}
            showStorage={showStorage}
            onChange={(nr) => b.set("racks", m.racks.map((x, j) => (j === i ? nr : x)))}
            onRemove={() => b.set("racks", m.racks.filter((_, j) => j !== i))}
          />
        ))}
        {b.msg("racks") ? <p className="text-xs text-red-600 dark:text-red-400">{b.msg("racks")}</p> : null}
        <div className="flex flex-wrap gap-2">
          <button type="button" className="btn" onClick={() => b.set("racks", [...m.racks, { ...EMPTY_RACK, id: nextId() }])}>
            Add rack
          </button>
          {pickers.zones.length > 0 && m.racks.length === 0 ? (
            <button type="button" className="btn" onClick={() => b.set("racks", pickers.zones.map((z, i) => ({ ...EMPTY_RACK, id: String(i + 1), zone: z })))}>
              One rack per zone ({pickers.zones.length})
            </button>
          ) : null}
        </div>
      </div>
      <Group title="Batch controls">
        <TextInput b={b} f="rackNamespaces" label="Rack-aware namespaces" hint={LIST_HINT} />
        <TextInput b={b} f="maxIgnorablePods" label="Max ignorable pods" hint="Pending/failed pods a restart may skip: integer or %." />
        <TextInput b={b} f="rackRollingUpdateBatchSize" label="Rolling update batch size per rack" hint="Integer or %." />
        <TextInput b={b} f="scaleDownBatchSize" label="Scale-down batch size per rack" hint="Integer or %." />
      </Group>
    </div>
  );
}

export function AdvancedStep({ b, pickers }: { b: Bind; pickers: Pickers }) {
  const { m } = b;
  const blocked = new Set(parseList(m.nodeBlockList));
  const toggleNode = (n: string) => {
    const next = new Set(blocked);
    if (next.has(n)) next.delete(n);
    else next.add(n);
    b.set("nodeBlockList", [...next].join(", "));
  };
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Group title="Pods">
        <Select b={b} f="podManagementPolicy" label="Pod management policy" options={["OrderedReady", "Parallel"]} />
        <Select b={b} f="dnsPolicy" label="DNS policy" options={DNS_POLICIES} />
        <Select b={b} f="readinessGate" label="Readiness gate (acko.io/aerospike-ready)" options={TRI} />
        <Select b={b} f="multiPodPerHost" label="Several pods per node" options={TRI} />
        <Check b={b} f="hostNetwork" label="Host network (pods use the node's network namespace)" />
        <TextInput b={b} f="terminationGracePeriod" label="Termination grace period (s)" type="number" inputMode="numeric" hint="Default 60." />
        <TextInput b={b} f="serviceAccountName" label="Service account" />
        <TextInput b={b} f="imagePullSecrets" label="Image pull secrets" hint={LIST_HINT} list="k8s-secrets" />
        <TextArea b={b} f="nodeSelector" label="Node selector" hint={KV_HINT} />
        <TextArea b={b} f="tolerations" label="Tolerations" hint={TOL_HINT} />
        <TextArea b={b} f="podLabels" label="Pod labels" hint={KV_HINT} />
        <TextArea b={b} f="podAnnotations" label="Pod annotations" hint={KV_HINT} />
      </Group>
      <Group title="Services">
        <TextArea b={b} f="headlessAnnotations" label="Headless service annotations" hint={KV_HINT} />
        <TextArea b={b} f="headlessLabels" label="Headless service labels" hint={KV_HINT} />
        <Check b={b} f="podServiceEnabled" label="One Service per pod" />
        {m.podServiceEnabled ? (
          <>
            <Select b={b} f="podServiceType" label="Per-pod service type" options={POD_SERVICE_TYPES} unset="ClusterIP (default)" />
            <span />
            <TextArea b={b} f="podServiceAnnotations" label="Per-pod service annotations" hint={KV_HINT} />
            <TextArea b={b} f="podServiceLabels" label="Per-pod service labels" hint={KV_HINT} />
          </>
        ) : null}
      </Group>
      <Group title="Bandwidth (CNI annotations)">
        <TextInput b={b} f="bandwidthIngress" label="Ingress limit" placeholder="1G" />
        <TextInput b={b} f="bandwidthEgress" label="Egress limit" placeholder="500M" />
      </Group>
      <Group title="Node block list" description="Kubernetes nodes that must not run Aerospike pods.">
        {pickers.nodes.length ? (
          <ul className="space-y-1 sm:col-span-2" aria-label="Kubernetes nodes">
            {pickers.nodes.map((n) => (
              <li key={n.name}>
                <label className="flex items-center gap-2 text-sm">
                  <input type="checkbox" checked={blocked.has(n.name)} onChange={() => toggleNode(n.name)} />
                  <span className="mono">{n.name}</span>
                  {n.zone ? <span className="muted text-xs">{n.zone}</span> : null}
                </label>
              </li>
            ))}
          </ul>
        ) : null}
        <TextInput b={b} f="nodeBlockList" label="Blocked nodes" hint={LIST_HINT} />
      </Group>
      <Group title="Validation">
        <Check b={b} f="skipWorkDirValidate" label="Skip the work-directory validation" hint="Do not warn when the Aerospike work directory is not on a volume." />
        <div className="sm:col-span-2">
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" aria-disabled="true" disabled checked={false} readOnly aria-describedby="rackid-ce" />
            Rack ID override
          </label>
          <p id="rackid-ce" className="muted ml-6 text-xs">
            Not available: Community Edition has no rack-id configuration, so the operator cannot override it.
          </p>
        </div>
      </Group>
      <Group title="Extra containers and pod settings (JSON)">
        <TextArea b={b} f="sidecars" label="Sidecars" rows={4} hint="A list of Kubernetes containers." />
        <TextArea b={b} f="initContainers" label="Init containers" rows={4} hint="A list of Kubernetes containers." />
        <TextArea b={b} f="securityContext" label="Pod security context" rows={4} hint='e.g. {"fsGroup": 1000}' />
        <TextArea b={b} f="topologySpreadConstraints" label="Topology spread constraints" rows={4} hint="A list of constraints." />
      </Group>
    </div>
  );
}
