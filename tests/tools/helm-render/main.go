// Command helm-render renders a Helm chart folder offline, the way `helm template --include-crds` does, for the
// chart tests on machines without a Helm binary. It is a faithful subset of Helm 3's engine: Go text/template with
// sprig (minus env/expandenv) and Helm's own functions, the built-in objects, values merged in Helm's order, the
// chart's kubeVersion constraint, install-order sorting and one "# Source:" header per document.
//
// Usage: helm-render CHART [-f values.yaml]... [--set a.b=c]... [--namespace NS] [--release NAME]
//
//	[--kube-version v1.31.0] [--api-versions group/version]... [--notes FILE]
//
// Written here rather than vendoring helm.sh/helm/v3: Helm's module and its dependency tree (client-go,
// apimachinery, ...) are not packaged for offline GOPATH builds on Debian, and the tests need only the renderer.
package main

import (
	"fmt"
	"os"
	"strings"
)

type options struct {
	chart       string
	valueFiles  []string
	sets        []string
	namespace   string
	release     string
	kubeVersion string
	apiVersions []string
	notes       string
}

func parseArgs(args []string) (*options, error) {
	o := &options{namespace: "default", release: "release-name", kubeVersion: "v1.31.0"}
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, hasValue := strings.Cut(a, "=")
		if !strings.HasPrefix(a, "-") {
			if o.chart != "" {
				return nil, fmt.Errorf("unexpected argument %q (one chart folder only)", a)
			}
			o.chart = a
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("flag %s needs a value", a)
			}
			i++
			value = args[i]
		}
		switch name {
		case "-f", "--values":
			o.valueFiles = append(o.valueFiles, value)
		case "--set":
			o.sets = append(o.sets, value)
		case "-n", "--namespace":
			o.namespace = value
		case "--release", "--name":
			o.release = value
		case "--kube-version":
			o.kubeVersion = value
		case "-a", "--api-versions":
			o.apiVersions = append(o.apiVersions, strings.Split(value, ",")...)
		case "--notes":
			o.notes = value
		default:
			return nil, fmt.Errorf("unknown flag %s", name)
		}
	}
	if o.chart == "" {
		return nil, fmt.Errorf("usage: helm-render CHART [-f values.yaml]... [--set a.b=c]... [--namespace NS] [--release NAME] [--kube-version v1.31.0] [--api-versions monitoring.coreos.com/v1] [--notes FILE]")
	}
	return o, nil
}

func main() {
	o, err := parseArgs(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(2)
	}
	out, notes, err := render(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
	fmt.Print(out)
	if notes == "" {
		return
	}
	if o.notes != "" {
		if err := os.WriteFile(o.notes, []byte(notes), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "Error:", err)
			os.Exit(1)
		}
		return
	}
	fmt.Fprintln(os.Stderr, "NOTES:")
	fmt.Fprintln(os.Stderr, notes)
}
