{{/* The chart name, or nameOverride. */}}
{{- define "pipeline.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Resource name prefix: fullnameOverride, else the release name when it already holds the chart name, else <release>-<chart>. */}}
{{- define "pipeline.fullname" -}}
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

{{/* chart label value: name-version */}}
{{- define "pipeline.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select the controller's pods; never change them (selectors are immutable). */}}
{{- define "pipeline.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pipeline.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end -}}

{{/* Labels of every object the chart creates. */}}
{{- define "pipeline.labels" -}}
helm.sh/chart: {{ include "pipeline.chart" . }}
{{ include "pipeline.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: pipeline
{{- end -}}

{{/* The controller's ServiceAccount name. */}}
{{- define "pipeline.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "pipeline.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The image registry; required, without a trailing slash. */}}
{{- define "pipeline.registry" -}}
{{- required "image.registry is required: the registry (and path) the pipeline-* images are pulled from, e.g. ghcr.io/efficient-reasoning" .Values.image.registry | trimSuffix "/" -}}
{{- end -}}

{{/* The image tag: image.tag, else the chart's appVersion. */}}
{{- define "pipeline.tag" -}}
{{- .Values.image.tag | default .Chart.AppVersion -}}
{{- end -}}

{{/* The controller's image reference. */}}
{{- define "pipeline.controllerImage" -}}
{{- printf "%s/pipeline-controller:%s" (include "pipeline.registry" .) (include "pipeline.tag" .) -}}
{{- end -}}

{{/* The default image variant of experiments: cpu or cuda. */}}
{{- define "pipeline.variant" -}}
{{- $v := .Values.image.variant | default "cpu" -}}
{{- if not (has $v (list "cpu" "cuda")) -}}
{{- fail (printf "image.variant must be cpu or cuda, got %q" $v) -}}
{{- end -}}
{{- $v -}}
{{- end -}}

{{/* "true" when leader election is on: more than one replica, or asked for. */}}
{{- define "pipeline.leaderElection" -}}
{{- if or (gt (int .Values.controller.replicas) 1) .Values.controller.leaderElection.enabled -}}true{{- end -}}
{{- end -}}

{{/* "true" when ServiceMonitors can be created: the API serves monitoring.coreos.com/v1, or metrics.serviceMonitor.force. */}}
{{- define "pipeline.serviceMonitorApi" -}}
{{- if or (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1") .Values.metrics.serviceMonitor.force -}}true{{- end -}}
{{- end -}}
