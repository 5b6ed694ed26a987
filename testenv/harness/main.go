// Command testenv runs a real control plane on loopback for flux-receiver's
// tests: etcd, kube-apiserver (RBAC on, an admin client certificate), the
// Flux CRDs from the Go module cache and the real notification-controller.
//
//	testenv start --kubeconfig FILE   run until SIGINT or SIGTERM
//	testenv run CMD [ARG...]          run CMD against it, exit with its status
//
// Use it through the testenv/start and testenv/run scripts, which build
// what is missing first.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	testenv, err := testenvDir()
	if err != nil {
		fail(err)
	}
	switch os.Args[1] {
	case "start":
		flags := flag.NewFlagSet("start", flag.ExitOnError)
		path := flags.String("kubeconfig", "", "where to write the admin kubeconfig (and FILE.webhook)")
		_ = flags.Parse(os.Args[2:])
		if *path == "" || flags.NArg() != 0 {
			usage()
		}
		os.Exit(runStart(testenv, *path))
	case "run":
		args := os.Args[2:]
		if len(args) > 0 && args[0] == "--" {
			args = args[1:]
		}
		if len(args) == 0 {
			usage()
		}
		os.Exit(runCommand(testenv, args))
	default:
		usage()
	}
}

// runStart starts the control plane, writes FILE.webhook then FILE, and
// waits for a signal (or a program's death), then cleans up.
func runStart(testenv, path string) int {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	began := time.Now()
	cp, err := start(testenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		return 1
	}
	defer cp.stop()
	// FILE last: whoever waits for it finds FILE.webhook already there.
	if err := writeAtomically(path+".webhook", []byte(cp.webhook+"\n")); err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		return 1
	}
	defer os.Remove(path + ".webhook")
	if err := writeAtomically(path, cp.kubeconfig); err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		return 1
	}
	defer os.Remove(path)
	fmt.Fprintf(os.Stderr, "testenv: ready in %.1fs: kubeconfig %s, webhook %s\n", time.Since(began).Seconds(), path, cp.webhook)
	select {
	case <-signals:
		return 0
	case p := <-cp.died():
		fmt.Fprintf(os.Stderr, "testenv: %s exited (%v); its log ends:\n%s\n", p.name, p.err, p.tail(30))
		return 1
	}
}

// runCommand starts the control plane, runs args with
// FLUX_RECEIVER_E2E_KUBECONFIG and FLUX_RECEIVER_E2E_WEBHOOK set (and
// FLUX_RECEIVER_E2E_FLUX, the real flux CLI built beside us), stops it and
// returns the command's exit status.
func runCommand(testenv string, args []string) int {
	began := time.Now()
	cp, err := start(testenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		return 1
	}
	defer cp.stop()
	config := filepath.Join(cp.dir, "admin.kubeconfig")
	if err := os.WriteFile(config, cp.kubeconfig, 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "testenv: ready in %.1fs: webhook %s\n", time.Since(began).Seconds(), cp.webhook)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(),
		"FLUX_RECEIVER_E2E_KUBECONFIG="+config,
		"FLUX_RECEIVER_E2E_WEBHOOK="+cp.webhook,
		"FLUX_RECEIVER_E2E_FLUX="+filepath.Join(testenv, "bin", "flux"))
	// The command shares our terminal and gets its own ^C; we only wait.
	signal.Ignore(syscall.SIGINT)
	err = cmd.Run()
	for _, p := range cp.procs {
		if p.exited() {
			fmt.Fprintf(os.Stderr, "testenv: %s exited while the command ran (%v); its log ends:\n%s\n", p.name, p.err, p.tail(30))
		}
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		if exit.ExitCode() < 0 {
			return 128 + int(exit.Sys().(syscall.WaitStatus).Signal())
		}
		return exit.ExitCode()
	default:
		fmt.Fprintln(os.Stderr, "testenv:", err)
		return 127
	}
}

// died yields the first program that exits.
func (cp *controlPlane) died() <-chan *process {
	ch := make(chan *process, len(cp.procs))
	for _, p := range cp.procs {
		go func() {
			<-p.done
			ch <- p
		}()
	}
	return ch
}

// testenvDir is the directory above bin/ where this program lives.
func testenvDir() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	exe, err = filepath.EvalSymlinks(exe)
	if err != nil {
		return "", err
	}
	return filepath.Dir(filepath.Dir(exe)), nil
}

func writeAtomically(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: testenv start --kubeconfig FILE\n       testenv run CMD [ARG...]")
	os.Exit(2)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "testenv:", err)
	os.Exit(1)
}
