{{- define "pg-runbooks.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "pg-runbooks.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "pg-runbooks.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "pg-runbooks.image" -}}
{{- printf "%spg-runbooks/%s:%s" .root.Values.image.registry .component (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- end -}}

{{/* Ports come from the config the processes read, so a probe can never aim at a port nothing listens on. */}}
{{- define "pg-runbooks.workerPort" -}}
{{- $w := default dict .Values.config.worker -}}
{{- $p := 9464 -}}
{{- if hasKey $w "metricsPort" -}}
{{- $p = int $w.metricsPort -}}
{{- end -}}
{{- if eq $p 0 -}}
{{- fail "config.worker.metricsPort is 0 (off): the worker's /livez and /readyz probes need it" -}}
{{- end -}}
{{- $p -}}
{{- end -}}

{{- define "pg-runbooks.apiPort" -}}
{{- int (default 8080 (default dict .Values.config.api).port) -}}
{{- end -}}

{{- define "pg-runbooks.apiAdminPort" -}}
{{- int (default 8081 (default dict .Values.config.api).adminPort) -}}
{{- end -}}

{{/* What both pods share: the config file, /tmp (the root filesystem is read-only), secret files. */}}
{{- define "pg-runbooks.volumes" -}}
- name: config
  configMap:
    name: {{ include "pg-runbooks.fullname" . }}-config
- name: tmp
  emptyDir: {}
{{- range $i, $f := .Values.secrets.files }}
- name: secret-{{ $i }}
  secret:
    secretName: {{ required "secrets.files[].secretName is required" $f.secretName }}
    defaultMode: 0440
{{- end }}
{{- end -}}

{{- define "pg-runbooks.volumeMounts" -}}
- name: config
  mountPath: /etc/pg-runbooks/config.yml
  subPath: config.yml
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- range $i, $f := .Values.secrets.files }}
- name: secret-{{ $i }}
  mountPath: {{ required "secrets.files[].mountPath is required" $f.mountPath }}
  readOnly: true
{{- end }}
{{- end -}}

{{- define "pg-runbooks.envFrom" -}}
{{- range .Values.secrets.envFrom }}
- secretRef:
    name: {{ . }}
{{- end }}
{{- end -}}

{{- define "pg-runbooks.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "pg-runbooks.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end -}}
