{{- define "schema-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "schema-operator.selectorLabels" -}}
app.kubernetes.io/name: schema-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "schema-operator.labels" -}}
{{ include "schema-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "schema-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "schema-operator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "schema-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* What the operator may do with the resources it manages, in one namespace or all (no wildcards). */}}
{{- define "schema-operator.rules" -}}
- apiGroups: ["dbops.io"]
  resources: ["databaseconnections", "databaseschemas"]
  verbs: ["get", "list", "watch", "update", "patch"]
- apiGroups: ["dbops.io"]
  resources: ["databaseconnections/status", "databaseschemas/status"]
  verbs: ["get", "update", "patch"]
- apiGroups: ["dbops.io"]
  resources: ["databaseconnections/finalizers", "databaseschemas/finalizers"]
  verbs: ["update"]
# DatabaseSchemaSets are read and their status written. Their children are DatabaseSchemas the
# operator creates, moves to a new template (update), annotates (patch: approve, retry, Retain before
# a delete) and deletes when a tenant leaves the set; they name their set as owner with
# blockOwnerDeletion, which needs update on the set's finalizers.
- apiGroups: ["dbops.io"]
  resources: ["databaseschemasets"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["dbops.io"]
  resources: ["databaseschemasets/status"]
  verbs: ["update"]
- apiGroups: ["dbops.io"]
  resources: ["databaseschemasets/finalizers"]
  verbs: ["update"]
- apiGroups: ["dbops.io"]
  resources: ["databaseschemas"]
  verbs: ["create", "update", "patch", "delete"]
# Logins and CAs are read, never changed; create is for the admin Secret of a managed instance,
# which the operator writes once and never updates or deletes.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create"]
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch", "create", "delete"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch", "create", "update", "patch"]
# Termination messages of migration Pods carry each run's result.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create", "delete"]
- apiGroups: ["apps"]
  resources: ["statefulsets"]
  verbs: ["get", "list", "watch", "create", "update", "patch"]
{{- end -}}
