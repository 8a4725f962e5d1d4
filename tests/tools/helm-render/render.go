package main

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"gopkg.in/yaml.v3"
)

// installOrder is Helm's releaseutil.InstallOrder: the order `helm template` prints kinds in; other kinds follow.
var installOrder = strings.Fields(`PriorityClass Namespace NetworkPolicy ResourceQuota LimitRange PodSecurityPolicy
	PodDisruptionBudget ServiceAccount Secret SecretList ConfigMap StorageClass PersistentVolume PersistentVolumeClaim
	CustomResourceDefinition ClusterRole ClusterRoleList ClusterRoleBinding ClusterRoleBindingList Role RoleList
	RoleBinding RoleBindingList Service DaemonSet Pod ReplicationController ReplicaSet Deployment
	HorizontalPodAutoscaler StatefulSet Job CronJob IngressClass Ingress APIService MutatingWebhookConfiguration
	ValidatingWebhookConfiguration`)

var docSeparator = regexp.MustCompile(`(?:^|\s*\n)---\s*`)

type manifest struct {
	source  string
	content string
	kind    string
	order   int
}

func render(o *options) (out string, notes string, err error) {
	c, err := loadChart(o.chart)
	if err != nil {
		return "", "", err
	}
	caps, err := capabilities(o)
	if err != nil {
		return "", "", err
	}
	if err := checkKubeVersion(&c.Metadata, caps); err != nil {
		return "", "", err
	}
	user, err := userValues(o)
	if err != nil {
		return "", "", err
	}
	values := mergeValues(c.Values, user, true)
	top := map[string]interface{}{
		"Values": values,
		"Release": map[string]interface{}{
			"Name": o.release, "Namespace": o.namespace, "Service": "Helm",
			"IsInstall": true, "IsUpgrade": false, "Revision": 1,
		},
		"Chart":        c.Metadata,
		"Capabilities": caps,
		"Files":        Files(c.Files),
		"Subcharts":    map[string]interface{}{},
	}
	rendered, err := execute(c, top)
	if err != nil {
		return "", "", err
	}
	var b strings.Builder
	for _, name := range c.crdFiles() {
		fmt.Fprintf(&b, "---\n# Source: %s/%s\n%s\n", c.Metadata.Name, name, strings.TrimSuffix(string(c.Files[name]), "\n"))
	}
	manifests, err := split(rendered)
	if err != nil {
		return "", "", err
	}
	for _, m := range manifests {
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", m.source, m.content)
	}
	return b.String(), rendered[c.Metadata.Name+"/templates/NOTES.txt"], nil
}

// execute parses every template into one set (so any file's defines serve all) and runs each non-partial file
// with Helm's missingkey=zero, dropping the "<no value>" Go prints for missing keys as Helm does.
func execute(c *Chart, top map[string]interface{}) (map[string]string, error) {
	t := template.New("gotpl").Option("missingkey=zero")
	t.Funcs(funcMap(t))
	var names []string
	for rel := range c.Templates {
		names = append(names, rel)
	}
	sort.Strings(names)
	for _, rel := range names {
		if _, err := t.New(c.Metadata.Name + "/" + rel).Parse(c.Templates[rel]); err != nil {
			return nil, fmt.Errorf("parse error in %q: %w", rel, err)
		}
	}
	out := map[string]string{}
	for _, rel := range names {
		if strings.HasPrefix(path.Base(rel), "_") {
			continue
		}
		name := c.Metadata.Name + "/" + rel
		vals := map[string]interface{}{}
		for k, v := range top {
			vals[k] = v
		}
		vals["Template"] = map[string]interface{}{"Name": name, "BasePath": c.Metadata.Name + "/templates"}
		var buf strings.Builder
		if err := t.ExecuteTemplate(&buf, name, vals); err != nil {
			return nil, err
		}
		out[name] = strings.ReplaceAll(buf.String(), "<no value>", "")
	}
	return out, nil
}

// split cuts each rendered file into documents, drops blank ones, checks that each parses as YAML, and sorts
// them in Helm's install order (then by source file, then by position in it).
func split(rendered map[string]string) ([]manifest, error) {
	var all []manifest
	for name, text := range rendered {
		if strings.HasSuffix(name, "/NOTES.txt") {
			continue
		}
		for _, doc := range docSeparator.Split(text, -1) {
			doc = strings.TrimSpace(doc)
			// Helm drops blank documents; a lone "---" left by consecutive separators is one too.
			if strings.TrimSpace(strings.ReplaceAll(doc, "---", "")) == "" {
				continue
			}
			var head struct {
				Kind string `yaml:"kind"`
			}
			if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
				return nil, fmt.Errorf("YAML parse error on %s: %w", name, err)
			}
			all = append(all, manifest{source: name, content: doc, kind: head.Kind, order: len(all)})
		}
	}
	rank := func(kind string) int {
		for i, k := range installOrder {
			if k == kind {
				return i
			}
		}
		return len(installOrder)
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if ra, rb := rank(a.kind), rank(b.kind); ra != rb {
			return ra < rb
		}
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		if a.source != b.source {
			return a.source < b.source
		}
		return a.order < b.order
	})
	return all, nil
}
