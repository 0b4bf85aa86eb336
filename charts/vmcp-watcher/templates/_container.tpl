{{/* The watcher container's flags: the three listen addresses, the config file, the namespaces and groups when
watch.* sets them, then extraArgs (a later flag wins). */}}
{{- define "vmcp-watcher.args" -}}
- --listen
- {{ printf ":%d" (int .Values.containerPorts.http) | quote }}
- --health-probe-bind-address
- {{ printf ":%d" (int .Values.containerPorts.probes) | quote }}
- --metrics-bind-address
{{- if .Values.metrics.enabled }}
- {{ printf ":%d" (int .Values.containerPorts.metrics) | quote }}
{{- else }}
- "0"
{{- end }}
{{- if .Values.vmcpConfig }}
- --config
- /etc/vmcp-watcher/config/config.yaml
{{- end }}
{{- /* Several namespaces or groups: flags. Today's one namespace and one group stay environment variables (below). */}}
{{- $w := .Values.watch }}
{{- if $w.allNamespaces }}
- --all-namespaces
{{- else if $w.namespaces }}
- --namespace
- {{ join "," $w.namespaces | quote }}
{{- end }}
{{- if $w.allGroups }}
- --all-groups
{{- else if $w.groups }}
- --group
- {{ join "," $w.groups | quote }}
{{- end }}
{{- if or $w.allGroups $w.groups }}
- --max-groups
- {{ $w.maxGroups | quote }}
{{- end }}
{{- with .Values.extraArgs }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The watcher container's environment: the settings of values.yaml, then extraEnv. */}}
{{- define "vmcp-watcher.env" -}}
{{- if or .Values.watch.allNamespaces .Values.watch.namespaces }}
{{- /* --all-namespaces / --namespace (the flags) say it. */}}
{{- else if .Values.watchNamespace }}
- name: VMCP_NAMESPACE
  value: {{ .Values.watchNamespace | quote }}
{{- else }}
# The pod's own namespace is the one watched (and where the Role grants access).
- name: VMCP_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
{{- end }}
{{- with .Values.group }}
- name: VMCP_GROUP
  value: {{ . | quote }}
{{- end }}
- name: VMCP_LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: VMCP_LOG_FORMAT
  value: {{ .Values.logFormat | quote }}
{{- if not (kindIs "invalid" .Values.workers) }}
- name: VMCP_WORKERS
  value: {{ .Values.workers | quote }}
{{- end }}
- name: VMCP_MAX_SSE_CLIENTS
  value: {{ .Values.maxSseClients | quote }}
- name: VMCP_READINESS_TIMEOUT_MS
  value: {{ .Values.readinessTimeoutMs | quote }}
{{- if .Values.tls.secretName }}
- name: VMCP_TLS_CERT_FILE
  value: /etc/vmcp-watcher/tls/tls.crt
- name: VMCP_TLS_KEY_FILE
  value: /etc/vmcp-watcher/tls/tls.key
- name: VMCP_TLS_MIN_VERSION
  value: {{ .Values.tls.minVersion | quote }}
{{- end }}
{{- if .Values.feed.enabled }}
- name: VMCP_FEED
  value: "true"
{{- end }}
{{- if or .Values.feed.enabled .Values.feed.authPublic }}
- name: VMCP_AUTH_AUDIENCES
  value: {{ join "," .Values.feed.audiences | quote }}
{{- end }}
{{- if .Values.feed.authPublic }}
- name: VMCP_AUTH_PUBLIC
  value: "true"
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Mounts of the watcher container: the config file, the serving certificate, extraVolumeMounts. */}}
{{- define "vmcp-watcher.volumeMounts" -}}
{{- if .Values.vmcpConfig }}
- name: config
  mountPath: /etc/vmcp-watcher/config
  readOnly: true
{{- end }}
{{- if .Values.tls.secretName }}
- name: tls
  mountPath: /etc/vmcp-watcher/tls
  readOnly: true
{{- end }}
{{- with .Values.extraVolumeMounts }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Volumes of the pod. The Secret is mounted as a directory (not subPath), so a rotation reaches the files. */}}
{{- define "vmcp-watcher.volumes" -}}
{{- if .Values.vmcpConfig }}
- name: config
  configMap:
    name: {{ include "vmcp-watcher.fullname" . }}
{{- end }}
{{- if .Values.tls.secretName }}
- name: tls
  secret:
    secretName: {{ .Values.tls.secretName }}
{{- end }}
{{- with .Values.extraVolumes }}
{{ toYaml . }}
{{- end }}
{{- end -}}
