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

{{/*
What the operator may do with the resources it manages, in one namespace or all: exactly the verbs its
code uses, no wildcard. HelmChartTest maps each verb to the code that uses it (OperatorRbac), and
OperatorRbacTest records every request a running operator makes and finds each one granted here.
*/}}
{{- define "schema-operator.rules" -}}
- apiGroups: ["dbops.io"]
  resources: ["databaseconnections"]
  verbs: ["get", "list", "watch"]
# Schemas are also created, updated and deleted: the children of DatabaseSchemaSets (see below).
- apiGroups: ["dbops.io"]
  resources: ["databaseschemas"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["dbops.io"]
  resources: ["databaseconnections/status", "databaseschemas/status", "databaseschemasets/status"]
  verbs: ["update"]
# Objects the operator creates name their resource as owner with blockOwnerDeletion, which the
# API server allows only to whoever may update the owner's finalizers.
- apiGroups: ["dbops.io"]
  resources: ["databaseconnections/finalizers", "databaseschemas/finalizers", "databaseschemasets/finalizers"]
  verbs: ["update"]
# DatabaseSchemaSets are read and their status written. Their children are DatabaseSchemas the
# operator creates, moves to a new template (update), annotates (patch: approve, retry, Retain before
# a delete) and deletes when a tenant leaves the set; they name their set as owner with
# blockOwnerDeletion, which needs update on the set's finalizers.
- apiGroups: ["dbops.io"]
  resources: ["databaseschemasets"]
  verbs: ["get", "list", "watch"]
# Logins and CAs are read, never changed; create is for the admin Secret of a managed instance, which
# the operator writes once (the admission policy lets it create nothing else).
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create"]
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch", "create", "delete"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "create"]
# Termination messages of migration Pods carry each run's result.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create"]
- apiGroups: ["apps"]
  resources: ["statefulsets"]
  verbs: ["get", "list", "watch", "create", "update"]
{{- end -}}
