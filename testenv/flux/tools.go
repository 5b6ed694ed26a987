//go:build tools

// Package tools pins the upstream program this module builds, so that
// `go mod tidy` keeps it in go.mod.
package tools

import (
	_ "github.com/fluxcd/flux2/v2/cmd/flux"
)
