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

{{- define "vmcp-watcher.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride -}}
{{- end -}}

{{- define "vmcp-watcher.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vmcp-watcher.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

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

{{/* metadata shared by every object: name, namespace, labels, common annotations. */}}
{{- define "vmcp-watcher.metadata" -}}
name: {{ include "vmcp-watcher.fullname" . }}
namespace: {{ include "vmcp-watcher.namespace" . }}
labels:
  {{- include "vmcp-watcher.labels" . | nindent 2 }}
{{- with .Values.commonAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "vmcp-watcher.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "vmcp-watcher.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "vmcp-watcher.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
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

{{- define "vmcp-watcher.validate" -}}
{{- if and (not .Values.group) (not (and .Values.vmcpConfig .Values.vmcpConfig.groupRef)) -}}
{{- fail "set group (the MCPGroup to serve) or vmcpConfig.groupRef" -}}
{{- end -}}
{{- if and .Values.podDisruptionBudget.enabled (not (kindIs "invalid" .Values.podDisruptionBudget.minAvailable)) (not (kindIs "invalid" .Values.podDisruptionBudget.maxUnavailable)) -}}
{{- fail "podDisruptionBudget: set minAvailable or maxUnavailable, not both (set the other to null)" -}}
{{- end -}}
{{- end -}}
