package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// apiClient talks to the API server as the admin user.
type apiClient struct {
	server string
	http   *http.Client
}

func newAPIClient(server string, p *pki) (*apiClient, error) {
	pair, err := tls.X509KeyPair(p.clientCertPEM, p.clientKey)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(p.caPEM)
	transport := &http.Transport{TLSClientConfig: &tls.Config{
		RootCAs:      roots,
		Certificates: []tls.Certificate{pair},
		MinVersion:   tls.VersionTLS12,
	}}
	return &apiClient{server: server, http: &http.Client{Transport: transport, Timeout: 10 * time.Second}}, nil
}

// do sends one request and returns the status and body.
func (c *apiClient) do(method, path, contentType string, body []byte) (int, []byte, error) {
	req, err := http.NewRequest(method, c.server+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

// ready reports whether /readyz answers ok.
func (c *apiClient) ready() error {
	status, body, err := c.do(http.MethodGet, "/readyz", "", nil)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("/readyz answered %d: %s", status, firstLine(body))
	}
	return nil
}

// create posts an object (JSON or YAML) to a collection; an existing object
// is fine.
func (c *apiClient) create(collection, contentType string, body []byte) error {
	status, data, err := c.do(http.MethodPost, collection, contentType, body)
	if err != nil {
		return err
	}
	if status != http.StatusCreated && status != http.StatusConflict {
		return fmt.Errorf("POST %s answered %d: %s", collection, status, firstLine(data))
	}
	return nil
}

// installCRDs creates every CRD found in dirs and returns their names.
func (c *apiClient) installCRDs(dirs []string) ([]string, error) {
	var names []string
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("no CRDs in %s", dir)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				return nil, err
			}
			// controller-gen writes one document per file, after a "---".
			for _, doc := range strings.Split(string(data), "\n---") {
				doc = strings.TrimPrefix(strings.TrimSpace(doc), "---")
				if strings.TrimSpace(doc) == "" {
					continue
				}
				if err := c.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "application/yaml", []byte(doc)); err != nil {
					return nil, fmt.Errorf("%s: %w", file, err)
				}
			}
			// The file name is the CRD's name with .yaml: group_plural.yaml.
			group, plural, _ := strings.Cut(strings.TrimSuffix(filepath.Base(file), ".yaml"), "_")
			names = append(names, plural+"."+group)
		}
	}
	return names, nil
}

// established reports whether the named CRD is served.
func (c *apiClient) established(name string) error {
	status, body, err := c.do(http.MethodGet, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"+name, "", nil)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("GET CRD %s answered %d", name, status)
	}
	var crd struct {
		Status struct {
			Conditions []struct{ Type, Status string }
		}
	}
	if err := json.Unmarshal(body, &crd); err != nil {
		return err
	}
	for _, cond := range crd.Status.Conditions {
		if cond.Type == "Established" && cond.Status == "True" {
			return nil
		}
	}
	return fmt.Errorf("CRD %s is not established yet", name)
}

// kubeconfig renders an admin kubeconfig for the server.
func kubeconfig(server string, p *pki) []byte {
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Appendf(nil, `apiVersion: v1
kind: Config
clusters:
- name: testenv
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: admin
  user:
    client-certificate-data: %s
    client-key-data: %s
contexts:
- name: testenv
  context:
    cluster: testenv
    user: admin
current-context: testenv
`, server, b64(p.caPEM), b64(p.clientCertPEM), b64(p.clientKey))
}

func firstLine(b []byte) string {
	line, _, _ := strings.Cut(string(b), "\n")
	if len(line) > 300 {
		line = line[:300] + "…"
	}
	return line
}

// fluxDeployment and fluxService are the notification-controller's
// Deployment and the webhook-receiver Service as `flux install` writes them
// (the fields clients read: names, labels, selectors, ports).
const fluxDeployment = `{"apiVersion":"apps/v1","kind":"Deployment",
"metadata":{"name":"notification-controller","namespace":"flux-system",
 "labels":{"app.kubernetes.io/component":"notification-controller","app.kubernetes.io/instance":"flux-system","app.kubernetes.io/part-of":"flux"}},
"spec":{"replicas":1,"selector":{"matchLabels":{"app":"notification-controller"}},
 "template":{"metadata":{"labels":{"app":"notification-controller"}},
  "spec":{"containers":[{"name":"manager","image":"ghcr.io/fluxcd/notification-controller:v1.9.3",
   "ports":[{"containerPort":9090,"name":"http","protocol":"TCP"},{"containerPort":9292,"name":"http-webhook","protocol":"TCP"},
    {"containerPort":8080,"name":"http-prom","protocol":"TCP"},{"containerPort":9440,"name":"healthz","protocol":"TCP"}]}]}}}}`

const fluxService = `{"apiVersion":"v1","kind":"Service",
"metadata":{"name":"webhook-receiver","namespace":"flux-system","labels":{"app.kubernetes.io/component":"notification-controller"}},
"spec":{"type":"ClusterIP","selector":{"app":"notification-controller"},
 "ports":[{"name":"http","port":80,"protocol":"TCP","targetPort":"http-webhook"}]}}`

// deploymentStatus marks the Deployment available, as a kubelet would once
// the controller's pod is ready.
const deploymentStatus = `{"status":{"observedGeneration":1,"replicas":1,"updatedReplicas":1,"readyReplicas":1,"availableReplicas":1,
"conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable","message":"Deployment has minimum availability."}]}}`

// installFluxObjects creates the Deployment and Service and marks the
// Deployment available.
func (c *apiClient) installFluxObjects() error {
	if err := c.create("/apis/apps/v1/namespaces/flux-system/deployments", "application/json", []byte(fluxDeployment)); err != nil {
		return err
	}
	if err := c.create("/api/v1/namespaces/flux-system/services", "application/json", []byte(fluxService)); err != nil {
		return err
	}
	status, body, err := c.do(http.MethodPatch, "/apis/apps/v1/namespaces/flux-system/deployments/notification-controller/status",
		"application/merge-patch+json", []byte(deploymentStatus))
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("marking the Deployment available answered %d: %s", status, firstLine(body))
	}
	return nil
}
