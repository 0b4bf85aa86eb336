/**
 * Value sets the chart tests render and dry-run apply; together they turn every optional part of the chart on at
 * least once. `watchOther`: the test sets watchNamespace to a fresh namespace other than the release's;
 * `watchList`: it sets watch.namespaces to that many fresh namespaces.
 */
export interface ValueSet {
  values: Record<string, unknown>;
  watchOther?: boolean;
  watchList?: number;
}

const DIGEST = `sha256:${'a'.repeat(64)}`;

export const VALUE_SETS: Record<string, ValueSet> = {
  minimal: { values: { group: 'engineering' } },
  everything: {
    watchOther: true,
    values: {
      group: 'engineering',
      global: { imageRegistry: 'mirror.example:5000' },
      image: { registry: 'registry.example', repository: 'platform/vmcp-watcher', digest: DIGEST },
      replicaCount: 2,
      revisionHistoryLimit: 3,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      containerPorts: { http: 8443, probes: 8444, metrics: 8445 },
      logLevel: 'debug',
      logFormat: 'text',
      workers: 8,
      maxSseClients: 500,
      readinessTimeoutMs: 10_000,
      extraArgs: ['--max-sse-clients', '200'],
      extraEnv: [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=256' }],
      extraEnvFrom: [{ configMapRef: { name: 'watcher-env', optional: true } }],
      extraVolumes: [{ name: 'scratch', emptyDir: {} }],
      extraVolumeMounts: [{ name: 'scratch', mountPath: '/scratch' }],
      initContainers: [{ name: 'wait', image: 'busybox:1.37', command: ['true'] }],
      sidecars: [{ name: 'proxy', image: '{{ .Values.global.imageRegistry }}/proxy:1', args: ['--release={{ .Release.Name }}'] }],
      service: {
        type: 'NodePort',
        port: 443,
        probesPort: 8081,
        metricsPort: 9091,
        labels: { exposed: 'yes' },
        annotations: { 'example.dev/svc': 'yes' },
      },
      serviceAccount: { annotations: { 'example.dev/sa': 'yes' }, automountServiceAccountToken: true },
      feed: { enabled: true, audiences: ['vmcp-watcher', 'gateway'], authPublic: true },
      tls: { secretName: 'watcher-tls', minVersion: '1.3' },
      gatewayReader: { create: true, subjects: [{ kind: 'ServiceAccount', name: 'gateway', namespace: 'gateways' }] },
      probes: { startup: { enabled: true, failureThreshold: 120 } },
      commonLabels: { team: 'platform' },
      commonAnnotations: { 'example.dev/owner': 'platform' },
      podLabels: { tier: 'registry' },
      podAnnotations: { 'example.dev/pod': 'yes' },
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'mcp', effect: 'NoSchedule' }],
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'vmcp-watcher' } },
        },
      ],
      serviceMonitor: {
        enabled: true,
        interval: '15s',
        labels: { release: 'prometheus' },
        relabelings: [{ action: 'replace', targetLabel: 'cluster', replacement: 'prod' }],
        metricRelabelings: [{ action: 'drop', sourceLabels: ['__name__'], regex: 'workqueue_.*' }],
      },
      prometheusRule: { enabled: true, labels: { release: 'prometheus' }, disabledAlerts: ['VmcpBackendsExcluded'] },
      podDisruptionBudget: { minAvailable: 1, maxUnavailable: null },
      networkPolicy: {
        enabled: true,
        ingress: {
          http: { from: [{ podSelector: { matchLabels: { app: 'gateway' } } }] },
          probes: { enabled: false },
          metrics: { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] },
        },
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ port: 6443, protocol: 'TCP' }] }],
      },
      extraObjects: [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '{{ .Release.Name }}-extra' }, data: { group: '{{ .Values.group }}' } },
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-from-string\n',
      ],
    },
  },
  'vmcp config file': {
    values: {
      vmcpConfig: { groupRef: 'engineering', outgoingAuth: { source: 'discovered' } },
      podDisruptionBudget: { enabled: true },
      metrics: { enabled: false },
      tests: { enabled: false },
    },
  },
  'namespace list': {
    watchList: 2,
    values: {
      watch: { groups: ['engineering', 'research'] },
      gatewayReader: { create: true, subjects: [{ kind: 'ServiceAccount', name: 'gateway', namespace: 'default' }] },
    },
  },
  'cluster mode': {
    values: {
      watch: { allNamespaces: true, allGroups: true, maxGroups: 20 },
      feed: { enabled: true },
      tls: { secretName: 'watcher-tls' },
      gatewayReader: { create: true, subjects: [{ kind: 'Group', name: 'gateways', apiGroup: 'rbac.authorization.k8s.io' }] },
    },
  },
  'own RBAC and ServiceAccount': {
    values: {
      group: 'engineering',
      rbac: { create: false },
      serviceAccount: { create: false, name: 'existing-sa' },
      fullnameOverride: 'watcher',
      feed: { enabled: true },
      tls: { secretName: 'watcher-tls' },
    },
  },
};
