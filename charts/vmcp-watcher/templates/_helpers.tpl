{{/* Name of the chart's objects: fullnameOverride, else the release name (plus the chart name unless it contains it). */}}
{{- define "vmcp-watcher.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "vmcp-watcher.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Namespace of the release's objects. */}}
{{- define "vmcp-watcher.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride -}}
{{- end -}}

{{/* Namespace watched: where the Role and RoleBinding live. */}}
{{- define "vmcp-watcher.watchNamespace" -}}
{{- default (include "vmcp-watcher.namespace" .) .Values.watchNamespace -}}
{{- end -}}

{{/* The namespaces watched, as a JSON list (read back with fromJsonArray): watch.namespaces, else the one of
watchNamespace / the release. Empty with watch.allNamespaces (the cluster is watched). */}}
{{- define "vmcp-watcher.watchNamespaces" -}}
{{- if .Values.watch.allNamespaces -}}
{{- list | toJson -}}
{{- else if .Values.watch.namespaces -}}
{{- .Values.watch.namespaces | toJson -}}
{{- else -}}
{{- list (include "vmcp-watcher.watchNamespace" .) | toJson -}}
{{- end -}}
{{- end -}}

{{/* The MCPGroup names served, as a JSON list: watch.groups, else the one of group / vmcpConfig.groupRef. Empty
with watch.allGroups (every group of a namespace). */}}
{{- define "vmcp-watcher.groupNames" -}}
{{- if .Values.watch.allGroups -}}
{{- list | toJson -}}
{{- else if .Values.watch.groups -}}
{{- .Values.watch.groups | toJson -}}
{{- else -}}
{{- list (include "vmcp-watcher.groupName" .) | toJson -}}
{{- end -}}
{{- end -}}

{{/* Name of the chart's cluster-scoped objects: prefixed with the release namespace, since two releases of the same
name in two namespaces would otherwise share them. */}}
{{- define "vmcp-watcher.clusterName" -}}
{{- printf "%s-%s" (include "vmcp-watcher.namespace" .) (include "vmcp-watcher.fullname" .) | trunc 253 -}}
{{- end -}}

{{/* The group reference as configured (`name` or `namespace/name`). */}}
{{- define "vmcp-watcher.groupRef" -}}
{{- if .Values.group -}}
{{- .Values.group -}}
{{- else if .Values.vmcpConfig -}}
{{- .Values.vmcpConfig.groupRef | default "" -}}
{{- end -}}
{{- end -}}

{{/* The MCPGroup's name alone (what RBAC resourceNames and kubectl need). */}}
{{- define "vmcp-watcher.groupName" -}}
{{- include "vmcp-watcher.groupRef" . | splitList "/" | last -}}
{{- end -}}

{{- define "vmcp-watcher.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vmcp-watcher.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of every object and of the pod template: selector labels, chart labels, commonLabels. */}}
{{- define "vmcp-watcher.labels" -}}
{{ include "vmcp-watcher.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: toolhive
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* metadata shared by every object: name (dict key "name", default the full name), namespace (key "namespace",
default the release's), labels (plus key "labels"), annotations (commonAnnotations plus key "annotations").
Call with (dict "ctx" $ "name" … "namespace" … "labels" … "annotations" …). */}}
{{- define "vmcp-watcher.meta" -}}
{{- $ctx := .ctx -}}
name: {{ .name | default (include "vmcp-watcher.fullname" $ctx) }}
namespace: {{ .namespace | default (include "vmcp-watcher.namespace" $ctx) }}
labels:
  {{- include "vmcp-watcher.labels" $ctx | nindent 2 }}
  {{- with .labels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- $annotations := merge (deepCopy (.annotations | default dict)) $ctx.Values.commonAnnotations }}
{{- with $annotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The common case: the full name in the release namespace. */}}
{{- define "vmcp-watcher.metadata" -}}
{{- include "vmcp-watcher.meta" (dict "ctx" .) -}}
{{- end -}}

{{- define "vmcp-watcher.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "vmcp-watcher.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* registry/repository:tag or registry/repository@digest; global.imageRegistry wins over image.registry. */}}
{{- define "vmcp-watcher.image" -}}
{{- $registry := .Values.image.registry -}}
{{- if and .Values.global .Values.global.imageRegistry -}}
{{- $registry = .Values.global.imageRegistry -}}
{{- end -}}
{{- $repository := .Values.image.repository -}}
{{- if $registry -}}
{{- $repository = printf "%s/%s" (trimSuffix "/" $registry) $repository -}}
{{- end -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The readiness probe's timeout: explicit, or readinessTimeoutMs rounded up to seconds plus one. Always longer
than the time /readyz may hold a request, or an unsynced cache shows up as a probe timeout instead of a 503. */}}
{{- define "vmcp-watcher.readinessTimeoutSeconds" -}}
{{- $ms := int .Values.readinessTimeoutMs -}}
{{- $t := .Values.probes.readiness.timeoutSeconds -}}
{{- if kindIs "invalid" $t -}}
{{- add (div (add $ms 999) 1000) 1 -}}
{{- else if le (mul (int $t) 1000) $ms -}}
{{- fail (printf "probes.readiness.timeoutSeconds (%d s) must be longer than readinessTimeoutMs (%d ms): /readyz may wait that long before answering 503" (int $t) $ms) -}}
{{- else -}}
{{- int $t -}}
{{- end -}}
{{- end -}}

{{/* Whether the PodDisruptionBudget is rendered: explicit true/false, or (null) when more than one replica runs. */}}
{{- define "vmcp-watcher.pdbEnabled" -}}
{{- $enabled := .Values.podDisruptionBudget.enabled -}}
{{- if kindIs "invalid" $enabled -}}
{{- if gt (int .Values.replicaCount) 1 }}true{{ end -}}
{{- else if $enabled -}}
true
{{- end -}}
{{- end -}}

{{/* Rules the schema cannot express (and the ones it does, for `helm template --skip-schema-validation`). */}}
{{- define "vmcp-watcher.validate" -}}
{{- $w := .Values.watch -}}
{{- if not (or (include "vmcp-watcher.groupRef" .) $w.groups $w.allGroups) -}}
{{- fail "set group (the MCPGroup to serve), watch.groups, watch.allGroups or vmcpConfig.groupRef" -}}
{{- end -}}
{{- if and $w.allNamespaces (or $w.namespaces .Values.watchNamespace) -}}
{{- fail "watch.allNamespaces watches every namespace: leave watch.namespaces and watchNamespace empty" -}}
{{- end -}}
{{- if and $w.namespaces .Values.watchNamespace -}}
{{- fail "set watch.namespaces or watchNamespace, not both" -}}
{{- end -}}
{{- if gt (len $w.groups) (int $w.maxGroups) -}}
{{- fail (printf "watch.groups lists %d groups, more than watch.maxGroups (%d): raise watch.maxGroups" (len $w.groups) (int $w.maxGroups)) -}}
{{- end -}}
{{- if and $w.allGroups $w.groups -}}
{{- fail "watch.allGroups serves every group: leave watch.groups empty" -}}
{{- end -}}
{{- if and (or $w.groups $w.allGroups) (include "vmcp-watcher.groupRef" .) -}}
{{- fail "watch.groups / watch.allGroups replace group and vmcpConfig.groupRef: set one source of groups" -}}
{{- end -}}
{{- if and .Values.feed.authPublic (or $w.allNamespaces $w.allGroups (gt (len $w.namespaces) 1) (gt (len $w.groups) 1)) -}}
{{- fail "feed.authPublic guards the public API of one group: it works with one namespace and one group only" -}}
{{- end -}}
{{- $ref := include "vmcp-watcher.groupRef" . -}}
{{- if and (contains "/" $ref) (or $w.allNamespaces (gt (len $w.namespaces) 1)) -}}
{{- fail (printf "group %q names a namespace, which works with one watched namespace only: give the bare name" $ref) -}}
{{- end -}}
{{- if and (contains "/" $ref) (eq (len $w.namespaces) 1) (ne (first (splitList "/" $ref)) (first $w.namespaces)) -}}
{{- fail (printf "group %q names namespace %q, but the watched namespace is %q" $ref (first (splitList "/" $ref)) (first $w.namespaces)) -}}
{{- end -}}
{{- if and (include "vmcp-watcher.pdbEnabled" .) (not (kindIs "invalid" .Values.podDisruptionBudget.minAvailable)) (not (kindIs "invalid" .Values.podDisruptionBudget.maxUnavailable)) -}}
{{- fail "podDisruptionBudget: set minAvailable or maxUnavailable, not both (set the other to null)" -}}
{{- end -}}
{{- if and (contains "/" $ref) (not (or $w.allNamespaces $w.namespaces)) (ne (first (splitList "/" $ref)) (include "vmcp-watcher.watchNamespace" .)) -}}
{{- fail (printf "group %q names namespace %q, but the watched namespace is %q (set watchNamespace)" $ref (first (splitList "/" $ref)) (include "vmcp-watcher.watchNamespace" .)) -}}
{{- end -}}
{{- if and .Values.serviceMonitor.enabled (not .Values.metrics.enabled) -}}
{{- fail "serviceMonitor.enabled needs metrics.enabled (there is no metrics port to scrape)" -}}
{{- end -}}
{{- end -}}

{{/* The watcher's ServiceAccount as an RBAC subject list. */}}
{{- define "vmcp-watcher.rbacSubjects" -}}
- kind: ServiceAccount
  name: {{ include "vmcp-watcher.serviceAccountName" . }}
  namespace: {{ include "vmcp-watcher.namespace" . }}
{{- end -}}

{{/* The watcher's RBAC rules, one per need (a Role's in each watched namespace, or the ClusterRole's). The same rules
as apps/vmcp-watcher/deploy/role.yaml when groups are named (a test compares them); `followGroups` (all groups, or
all namespaces) adds `watch` on MCPGroups, whose objects then decide what is served. */}}
{{- define "vmcp-watcher.rules" -}}
# Informers: backend sources.
- apiGroups: [toolhive.stacklok.dev]
  resources: [mcpservers]
  verbs: [list, watch]
- apiGroups: [toolhive.stacklok.dev]
  resources: [mcpremoteproxies]
  verbs: [list, watch]
- apiGroups: [toolhive.stacklok.dev]
  resources: [mcpserverentries]
  verbs: [list, watch]
- apiGroups: [toolhive.stacklok.dev]
  resources: [mcpexternalauthconfigs]
  verbs: [list, watch]
# Secrets: watched as metadata only (RBAC has no metadata-only verb); values read by a direct GET, never cached.
- apiGroups: [""]
  resources: [secrets]
  verbs: [list, watch]
- apiGroups: [""]
  resources: [secrets]
  verbs: [get]
# ConfigMaps (CA bundles): metadata-only watch, and a direct GET for the bundle.
- apiGroups: [""]
  resources: [configmaps]
  verbs: [list, watch]
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get]
{{- if .followGroups }}
# MCPGroups: watched (metadata only), since their objects decide which groups (and namespaces) are served.
- apiGroups: [toolhive.stacklok.dev]
  resources: [mcpgroups]
  verbs: [list, watch]
{{- else }}
# MCPGroups: listed only to warn when a configured group does not exist (and name the ones that do).
- apiGroups: [toolhive.stacklok.dev]
  resources: [mcpgroups]
  verbs: [list]
{{- end }}
{{- end -}}
