// Module testenv is the harness that starts the real control plane (etcd,
// kube-apiserver, notification-controller) on loopback for the tests. It
// uses the standard library only; the upstream programs are built by the
// kube and controller modules beside it.
module flux-receiver/testenv

go 1.26.0
