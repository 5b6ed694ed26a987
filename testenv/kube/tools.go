//go:build tools

// Package tools pins the upstream programs this module builds, so that
// `go mod tidy` keeps them in go.mod.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
)
