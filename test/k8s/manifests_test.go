package k8s

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	k6v1alpha1 "github.com/grafana/k6-operator/api/v1alpha1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

const config = `target:
  baseUrl: http://orders.shop.svc.cluster.local:8080
journeys:
  - name: browse
    steps:
      - method: GET
        path: /items
slos:
  - name: p95
    sli: latency
    percentile: p95
    thresholdMs: 300
    objective: 99
`

// emit runs the built perf CLI: perf loadtest --scenario baseline --k8s DIR --parallel 3.
func emit(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	cli := filepath.Join(root, "cli", "bin", "run.js")
	if _, err := os.Stat(filepath.Join(root, "dist", "cli", "commands", "loadtest.js")); err != nil {
		t.Fatalf("the perf CLI is not built (fix: node scripts/build.mjs): %v", err)
	}
	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "perf.config.yaml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(work, "k8s")
	cmd := exec.Command("node", cli, "loadtest", "--scenario", "baseline", "--k8s", dir, "--parallel", "3", "--rate", "20")
	cmd.Dir = work
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("perf loadtest --k8s: %v\n%s", err, out.String())
	}
	return dir
}

// docs splits a YAML file into its documents and reads each one's kind.
func docs(t *testing.T, file string) map[string][]byte {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, d := range strings.Split(string(raw), "\n---\n") {
		var meta struct {
			Kind string `json:"kind"`
		}
		if err := yaml.Unmarshal([]byte(d), &meta); err != nil || meta.Kind == "" {
			t.Fatalf("%s: a document without a kind: %v\n%s", file, err, d)
		}
		out[meta.Kind] = []byte(d)
	}
	return out
}

func strict(t *testing.T, what string, doc []byte, into any) {
	t.Helper()
	if err := yaml.UnmarshalStrict(doc, into); err != nil {
		t.Fatalf("%s does not decode strictly: %v\n%s", what, err, doc)
	}
}

func TestEmittedManifestsDecodeStrictlyIntoK6OperatorAndKubernetesTypes(t *testing.T) {
	dir := emit(t)
	var tr k6v1alpha1.TestRun
	strict(t, "testrun.yaml", docs(t, filepath.Join(dir, "testrun.yaml"))["TestRun"], &tr)
	var cm corev1.ConfigMap
	strict(t, "configmap.yaml", docs(t, filepath.Join(dir, "configmap.yaml"))["ConfigMap"], &cm)
	collector := docs(t, filepath.Join(dir, "collector.yaml"))
	var svc corev1.Service
	strict(t, "collector.yaml Service", collector["Service"], &svc)
	var job batchv1.Job
	strict(t, "collector.yaml Job", collector["Job"], &job)

	if tr.APIVersion != "k6.io/v1alpha1" || tr.Kind != "TestRun" {
		t.Errorf("TestRun is %s %s", tr.APIVersion, tr.Kind)
	}
	if tr.Spec.Parallelism != 3 {
		t.Errorf("parallelism %d, want 3", tr.Spec.Parallelism)
	}
	if tr.Spec.Script.ConfigMap.Name != cm.Name || cm.Data[tr.Spec.Script.ConfigMap.File] == "" {
		t.Errorf("the TestRun's script %+v is not in ConfigMap %s (keys %v)", tr.Spec.Script.ConfigMap, cm.Name, keys(cm.Data))
	}
	if s := cm.Data["baseline.js"]; !strings.Contains(s, `from "k6/http"`) || !strings.Contains(s, "export {") {
		t.Error("the ConfigMap does not hold the bundled k6 script")
	}
	port := svc.Spec.Ports[0].Port
	push := "push=http://" + svc.Name + ":" + strconv.Itoa(int(port)) + "/push"
	if !strings.Contains(tr.Spec.Arguments, push) || !strings.Contains(tr.Spec.Arguments, "--no-thresholds") || !strings.Contains(tr.Spec.Arguments, ",run=") {
		t.Errorf("arguments %q do not push to the collector Service (%s) with thresholds off", tr.Spec.Arguments, push)
	}
	if tr.Spec.Runner.Image == "" {
		t.Error("no runner image")
	}
	pod := job.Spec.Template
	for k, v := range svc.Spec.Selector {
		if pod.Labels[k] != v {
			t.Errorf("the Service selects %s=%s, the collector pod has %q", k, v, pod.Labels[k])
		}
	}
	if args := strings.Join(pod.Spec.Containers[0].Args, " "); !strings.HasPrefix(args, "collect --listen 0.0.0.0:"+strconv.Itoa(int(port))+" --run ") {
		t.Errorf("collector args %q", args)
	}
	if _, err := os.Stat(filepath.Join(dir, "Dockerfile")); err != nil {
		t.Errorf("no runner Dockerfile: %v", err)
	}

	t.Run("kubectl apply --dry-run=client", func(t *testing.T) {
		if _, err := exec.LookPath("kubectl"); err != nil {
			t.Skip("kubectl is not on PATH: only the strict decoding above ran")
		}
		if err := exec.Command("kubectl", "cluster-info", "--request-timeout=5s").Run(); err != nil {
			t.Skip("kubectl has no reachable cluster (its client dry run still needs the API server's discovery): only the strict decoding above ran")
		}
		out, err := command(60*time.Second, "kubectl", "apply", "--dry-run=client", "-f", dir)
		if err != nil {
			t.Fatalf("kubectl apply --dry-run=client -f %s: %v\n%s", dir, err, out)
		}
	})
}

func TestStrictDecodingRejectsAFieldK6OperatorDoesNotKnow(t *testing.T) {
	var tr k6v1alpha1.TestRun
	doc := []byte("apiVersion: k6.io/v1alpha1\nkind: TestRun\nmetadata:\n  name: x\nspec:\n  paralelism: 2\n  script:\n    configMap:\n      name: s\n")
	if err := yaml.UnmarshalStrict(doc, &tr); err == nil || !strings.Contains(err.Error(), "paralelism") {
		t.Fatalf("a misspelt spec.paralelism decoded: err = %v", err)
	}
}

func command(timeout time.Duration, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return "", err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return out.String(), err
	case <-time.After(timeout):
		_ = cmd.Process.Kill()
		<-done
		return out.String(), os.ErrDeadlineExceeded
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
