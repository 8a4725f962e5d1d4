{{- define "fixture.greeting" -}}hi {{ .Release.Name }}{{- end -}}
