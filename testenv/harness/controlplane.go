package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// crdModules are the Flux modules whose config/crd/bases hold the kinds a
// Receiver can reference, at the versions flux2 v2.9.4 was released with.
// The notification-controller's own CRDs come from the version the
// controller module builds.
var crdModules = []string{
	"github.com/fluxcd/source-controller@v1.9.4",
	"github.com/fluxcd/kustomize-controller@v1.9.4",
	"github.com/fluxcd/helm-controller@v1.6.3",
	"github.com/fluxcd/image-reflector-controller@v1.2.4",
	"github.com/fluxcd/image-automation-controller@v1.2.4",
}

// controlPlane is a running etcd, kube-apiserver and notification-controller.
type controlPlane struct {
	dir        string     // temporary directory: data, certificates, logs
	procs      []*process // in start order
	kubeconfig []byte     // admin kubeconfig
	webhook    string     // the controller's receiver base URL
}

// start brings up the control plane; on error everything started is stopped.
func start(testenv string) (cp *controlPlane, err error) {
	bin := filepath.Join(testenv, "bin")
	crdDirs, err := crdDirectories(testenv)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "flux-receiver-testenv-")
	if err != nil {
		return nil, err
	}
	cp = &controlPlane{dir: dir}
	defer func() {
		if err != nil {
			cp.stop()
		}
	}()
	ports, err := freePorts(8)
	if err != nil {
		return nil, err
	}
	etcdClient, etcdPeer, apiPort := ports[0], ports[1], ports[2]
	receiverPort, eventsPort, metricsPort, healthPort := ports[3], ports[4], ports[5], ports[6]
	loopback := func(port int) string { return "127.0.0.1:" + strconv.Itoa(port) }

	etcdURL := "http://" + loopback(etcdClient)
	peerURL := "http://" + loopback(etcdPeer)
	etcd, err := startProcess(dir, "etcd", filepath.Join(bin, "etcd"), []string{
		"--data-dir=" + filepath.Join(dir, "etcd"),
		"--listen-client-urls=" + etcdURL, "--advertise-client-urls=" + etcdURL,
		"--listen-peer-urls=" + peerURL, "--initial-advertise-peer-urls=" + peerURL,
		"--initial-cluster=default=" + peerURL,
		"--unsafe-no-fsync", "--log-level=warn",
	}, nil)
	if err != nil {
		return nil, err
	}
	cp.procs = append(cp.procs, etcd)
	if err := waitFor("etcd to be healthy", time.Minute, etcd, func() error { return httpOK(etcdURL + "/health") }); err != nil {
		return nil, err
	}

	p, err := newPKI(dir)
	if err != nil {
		return nil, err
	}
	server := "https://" + loopback(apiPort)
	apiserver, err := startProcess(dir, "kube-apiserver", filepath.Join(bin, "kube-apiserver"), []string{
		"--etcd-servers=" + etcdURL,
		"--cert-dir=" + filepath.Join(dir, "apiserver"),
		"--tls-cert-file=" + p.serverCert, "--tls-private-key-file=" + p.serverKey,
		"--client-ca-file=" + p.caCert,
		"--secure-port=" + strconv.Itoa(apiPort),
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		"--service-cluster-ip-range=10.0.0.0/24",
		"--allow-privileged=true",
		"--disable-admission-plugins=ServiceAccount",
		"--authorization-mode=RBAC",
		"--service-account-issuer=" + server + "/",
		"--service-account-key-file=" + p.saPub,
		"--service-account-signing-key-file=" + p.saKey,
	}, nil)
	if err != nil {
		return nil, err
	}
	cp.procs = append(cp.procs, apiserver)
	api, err := newAPIClient(server, p)
	if err != nil {
		return nil, err
	}
	if err := waitFor("kube-apiserver to be ready", 2*time.Minute, apiserver, api.ready); err != nil {
		return nil, err
	}
	// The tool's default --flux-namespace; the controller runs "in" it.
	namespace := []byte(`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"flux-system"}}`)
	if err := api.create("/api/v1/namespaces", "application/json", namespace); err != nil {
		return nil, err
	}
	crds, err := api.installCRDs(crdDirs)
	if err != nil {
		return nil, err
	}
	for _, name := range crds {
		if err := waitFor("CRD "+name+" to be established", time.Minute, apiserver, func() error { return api.established(name) }); err != nil {
			return nil, err
		}
	}

	cp.kubeconfig = kubeconfig(server, p)
	controllerConfig := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(controllerConfig, cp.kubeconfig, 0o600); err != nil {
		return nil, err
	}
	controller, err := startProcess(dir, "notification-controller", filepath.Join(bin, "notification-controller"), []string{
		"--receiverAddr=" + loopback(receiverPort),
		"--events-addr=" + loopback(eventsPort),
		"--metrics-addr=" + loopback(metricsPort),
		"--health-addr=" + loopback(healthPort),
		"--watch-all-namespaces=true",
		"--enable-leader-election=false",
		"--log-level=debug",
	}, []string{
		// controller-runtime registers --kubeconfig on Go's flag set, which
		// this program never parses: the environment is the way in.
		"KUBECONFIG=" + controllerConfig,
		"RUNTIME_NAMESPACE=flux-system",
	})
	if err != nil {
		return nil, err
	}
	cp.procs = append(cp.procs, controller)
	if err := waitFor("notification-controller to be ready", 2*time.Minute, controller, func() error {
		return httpOK("http://" + loopback(healthPort) + "/readyz")
	}); err != nil {
		return nil, err
	}
	// What `flux install` puts in flux-system that clients read: the
	// controller's Deployment, whose status says the controller is up (it
	// runs here as a host process, so no kubelet reports it), and the stock
	// webhook-receiver Service.
	if err := api.installFluxObjects(); err != nil {
		return nil, err
	}
	cp.webhook = "http://" + loopback(receiverPort)
	// Ready means the manager started; the receiver server listens soon
	// after. An unknown path answers 404 once it does.
	if err := waitFor("the receiver port to answer", time.Minute, controller, func() error {
		return httpStatus(cp.webhook+"/hook/testenv-probe", http.StatusNotFound)
	}); err != nil {
		return nil, err
	}
	return cp, nil
}

// stop ends every process, newest first, and removes the temporary files.
// With TESTENV_LOGS set, the programs' logs are copied there first.
func (cp *controlPlane) stop() {
	for i := len(cp.procs) - 1; i >= 0; i-- {
		cp.procs[i].stop()
	}
	if logs := os.Getenv("TESTENV_LOGS"); logs != "" {
		if err := os.MkdirAll(logs, 0o755); err == nil {
			for _, p := range cp.procs {
				if data, err := os.ReadFile(p.log); err == nil {
					_ = os.WriteFile(filepath.Join(logs, filepath.Base(p.log)), data, 0o644)
				}
			}
		}
	}
	_ = os.RemoveAll(cp.dir)
}

// crdDirectories finds the CRD directories in the Go module cache: the
// notification-controller's at the version the controller module requires,
// the others at the versions in crdModules.
func crdDirectories(testenv string) ([]string, error) {
	list := exec.Command("go", "list", "-m", "-json", "github.com/fluxcd/notification-controller")
	list.Dir = filepath.Join(testenv, "controller")
	out, err := list.Output()
	if err != nil {
		return nil, fmt.Errorf("go list the notification-controller module: %w", err)
	}
	var controller struct{ Dir string }
	if err := json.Unmarshal(out, &controller); err != nil || controller.Dir == "" {
		return nil, fmt.Errorf("the notification-controller module is not in the module cache (run testenv/build)")
	}
	dirs := []string{filepath.Join(controller.Dir, "config", "crd", "bases")}
	for _, module := range crdModules {
		download := exec.Command("go", "mod", "download", "-json", module)
		out, err := download.Output()
		if err != nil {
			return nil, fmt.Errorf("go mod download %s: %w", module, err)
		}
		var m struct{ Dir, Error string }
		if err := json.Unmarshal(out, &m); err != nil || m.Dir == "" {
			return nil, fmt.Errorf("go mod download %s: %s", module, m.Error)
		}
		dirs = append(dirs, filepath.Join(m.Dir, "config", "crd", "bases"))
	}
	return dirs, nil
}

func httpOK(url string) error { return httpStatus(url, http.StatusOK) }

func httpStatus(url string, want int) error {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != want {
		return fmt.Errorf("%s answered %d", url, resp.StatusCode)
	}
	return nil
}
