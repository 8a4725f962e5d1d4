package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"gopkg.in/yaml.v3"
)

const recursionMaxNums = 1000 // Helm's limit on nested include calls

// funcMap is Helm's template function set: sprig's text functions without env/expandenv, plus Helm's own.
// include and tpl close over the template set t they run in.
func funcMap(t *template.Template) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	depth := map[string]int{}
	extra := template.FuncMap{
		"toYaml":        toYAML,
		"mustToYaml":    mustToYAML,
		"fromYaml":      fromYAML,
		"fromYamlArray": fromYAMLArray,
		"toJson":        toJSON,
		"mustToJson":    mustToJSON,
		"fromJson":      fromJSON,
		"fromJsonArray": fromJSONArray,
		"required":      required,
		// No API server: lookup finds nothing, as under `helm template`.
		"lookup": func(apiVersion, kind, namespace, name string) (map[string]interface{}, error) {
			return map[string]interface{}{}, nil
		},
		"include": func(name string, data interface{}) (string, error) {
			if depth[name] > recursionMaxNums {
				return "", fmt.Errorf("rendering template has a nested reference name: %s: unable to execute template", name)
			}
			depth[name]++
			defer func() { depth[name]-- }()
			var buf strings.Builder
			err := t.ExecuteTemplate(&buf, name, data)
			return buf.String(), err
		},
		"tpl": func(text string, data interface{}) (string, error) {
			clone, err := t.Clone()
			if err != nil {
				return "", err
			}
			clone.Funcs(funcMap(clone))
			name := "tpl"
			if m, ok := data.(map[string]interface{}); ok {
				if tm, ok := m["Template"].(map[string]interface{}); ok {
					name = fmt.Sprint(tm["Name"])
				}
			}
			if _, err := clone.New(name).Parse(text); err != nil {
				return "", fmt.Errorf("cannot parse template %q: %w", text, err)
			}
			var buf strings.Builder
			if err := clone.ExecuteTemplate(&buf, name, data); err != nil {
				return "", fmt.Errorf("error during tpl function execution for %q: %w", text, err)
			}
			return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
		},
	}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

func required(warn string, val interface{}) (interface{}, error) {
	if val == nil {
		return val, fmt.Errorf(warn)
	}
	if s, ok := val.(string); ok && s == "" {
		return val, fmt.Errorf(warn)
	}
	return val, nil
}

// mustToYAML mirrors Helm's toYaml (sigs.k8s.io/yaml): the value goes through JSON first — json tags, sorted
// keys, numbers as JSON writes them — then out as block YAML (two-space indent, no trailing newline). Strings that
// YAML 1.1 would read as another type ("yes", "on", "1e3") come out quoted, as go-yaml does.
func mustToYAML(v interface{}) (string, error) {
	js, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	var generic interface{}
	if err := yaml.Unmarshal(js, &generic); err != nil {
		return "", err
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(generic); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

func toYAML(v interface{}) string {
	s, err := mustToYAML(v)
	if err != nil {
		return "" // Helm's toYaml swallows errors too
	}
	return s
}

func fromYAML(s string) map[string]interface{} {
	m := map[string]interface{}{}
	var v interface{}
	if err := yaml.Unmarshal([]byte(s), &v); err != nil {
		m["Error"] = err.Error()
		return m
	}
	if mv, ok := jsonTypes(v).(map[string]interface{}); ok {
		return mv
	}
	return m
}

func fromYAMLArray(s string) []interface{} {
	var v interface{}
	if err := yaml.Unmarshal([]byte(s), &v); err != nil {
		return []interface{}{err.Error()}
	}
	a, _ := jsonTypes(v).([]interface{})
	return a
}

func mustToJSON(v interface{}) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func toJSON(v interface{}) string {
	s, _ := mustToJSON(v)
	return s
}

func fromJSON(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromJSONArray(s string) []interface{} {
	var a []interface{}
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		return []interface{}{err.Error()}
	}
	return a
}
