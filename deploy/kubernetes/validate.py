"""Checks the rendered Kubernetes manifests of Locusta; validate.sh renders them and runs this.

    python validate.py -k 1.25.0 -k 1.37.0 NAME=RENDERED.yaml ...

1. Every object against Kubernetes' JSON schemas (the kubernetes-validate package), strictly
   (an unknown field is an error, so a misspelt one is caught), for each Kubernetes version given.
2. What the schemas cannot see: selectors that match their pods, the Service reaching the master
   and only the master, the workers' --master-host/--master-port naming that Service, named ports
   and probes that exist, the locustfile's ConfigMap and path, the security settings and
   enableServiceLinks (see master-deployment.yaml); URLs are placeholders only (example.com,
   loopback, in-cluster names).
3. A self-check: broken copies of the rendered objects must be rejected. kubernetes-validate's
   own command line only warns about a kind it has no schema for, so a validator that accepts
   everything would otherwise go unnoticed.
4. With --containerfile: the image build file, which CI cannot build (no container engine). It
   must parse (BuildKit's own parser, the dockerfile package) and agree with the manifests: the
   entrypoint they rely on, the numeric user they run as, the ports they declare; and the build
   context must leave out target/ and .git.

Exit status 0 when everything passed, 1 otherwise.
"""

import argparse
import copy
import re
import sys

import dockerfile
import kubernetes_validate
import yaml

WORKLOAD_KINDS = ("Deployment", "Job")
# The repository ships placeholders only: example.com, loopback, or a Service inside the cluster.
ALLOWED_URL_HOST = re.compile(
    r"(?:[a-z0-9-]+\.)*example\.com|127\.0\.0\.1|localhost"
    r"|[a-z0-9-]+|(?:[a-z0-9-]+\.)+svc(?:\.cluster\.local)?"
)


def schema_errors(obj, versions):
    """The schema errors of one object: one message per Kubernetes version that rejects it."""
    errors = []
    for version in versions:
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as e:
            path = ".".join(str(p) for p in e.path) or "(top)"
            errors.append(f"Kubernetes {e.version} (strict): {path}: {e.message}")
        except kubernetes_validate.SchemaNotFoundError as e:
            errors.append(e.message)
    return errors


def name_of(obj):
    return f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"


def pod_spec(obj):
    return obj["spec"]["template"]["spec"]


def flag_value(args, flag):
    """The value after `flag` in an argument list (`--flag value` or `--flag=value`)."""
    for i, arg in enumerate(args):
        if arg == flag and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(flag + "="):
            return arg.split("=", 1)[1]
    return None


def semantic_errors(objs):
    """Mistakes every schema accepts but a cluster (or Locusta in it) would not."""
    errors = []
    by_kind = {}
    for obj in objs:
        by_kind.setdefault(obj["kind"], []).append(obj)
    workloads = [o for o in objs if o["kind"] in WORKLOAD_KINDS]
    configmaps = {o["metadata"]["name"]: o for o in by_kind.get("ConfigMap", [])}

    def pods_selected_by(selector):
        return [
            w
            for w in workloads
            if selector.items() <= w["spec"]["template"]["metadata"].get("labels", {}).items()
        ]

    for w in workloads:
        name = name_of(w)
        labels = w["spec"]["template"]["metadata"].get("labels", {})
        selector = w["spec"].get("selector", {}).get("matchLabels")
        if w["kind"] == "Deployment" and not (selector and selector.items() <= labels.items()):
            errors.append(f"{name}: selector {selector} does not match its pod labels {labels}")
        spec = pod_spec(w)
        if spec.get("enableServiceLinks") is not False:
            errors.append(
                f"{name}: enableServiceLinks must be false (the Service locusta-master would put "
                "LOCUSTA_MASTER_PORT=tcp://... into the pod, and Locusta reads LOCUSTA_* as options)"
            )
        pod_security = spec.get("securityContext", {})
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for c in spec["containers"]:
            cname = f"{name} container {c['name']}"
            security = {**pod_security, **c.get("securityContext", {})}
            if security.get("runAsNonRoot") is not True:
                errors.append(f"{cname}: runAsNonRoot is not true")
            if security.get("readOnlyRootFilesystem") is not True:
                errors.append(f"{cname}: readOnlyRootFilesystem is not true")
            if security.get("allowPrivilegeEscalation") is not False:
                errors.append(f"{cname}: allowPrivilegeEscalation is not false")
            if "ALL" not in security.get("capabilities", {}).get("drop", []):
                errors.append(f"{cname}: capabilities do not drop ALL")
            if not c.get("resources", {}).get("requests"):
                errors.append(f"{cname}: no resource requests")
            port_names = {p.get("name") for p in c.get("ports", [])}
            for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
                port = c.get(probe, {}).get("httpGet", {}).get("port")
                if isinstance(port, str) and port not in port_names:
                    errors.append(f"{cname}: {probe} names port {port!r}, not one of {port_names}")
            mounts = {m["mountPath"]: m for m in c.get("volumeMounts", [])}
            for m in mounts.values():
                if m["name"] not in volumes:
                    errors.append(f"{cname}: mounts the undeclared volume {m['name']!r}")
            args = c.get("args", [])
            locustfile = flag_value(args, "-f") or flag_value(args, "--locustfile")
            if locustfile and locustfile != "-":
                directory, _, filename = locustfile.rpartition("/")
                mount = mounts.get(directory)
                volume = volumes.get(mount["name"]) if mount else None
                cm_name = (volume or {}).get("configMap", {}).get("name")
                if cm_name is None:
                    errors.append(f"{cname}: -f {locustfile}: no ConfigMap mounted at {directory}")
                elif cm_name not in configmaps:
                    errors.append(f"{cname}: volume {mount['name']}: no ConfigMap {cm_name!r}")
                elif filename not in configmaps[cm_name].get("data", {}):
                    errors.append(
                        f"{cname}: -f {locustfile}: ConfigMap {cm_name} has no {filename}"
                    )
            for arg in args:
                for host in re.findall(r"https?://([^/:\s]+)", arg):
                    if not ALLOWED_URL_HOST.fullmatch(host):
                        errors.append(
                            f"{cname}: URL host {host!r}: use a placeholder (target.example.com), "
                            "loopback or an in-cluster Service name"
                        )

    services = {s["metadata"]["name"]: s for s in by_kind.get("Service", [])}
    masters = [w for w in workloads if "--master" in pod_spec(w)["containers"][0].get("args", [])]
    workers = [w for w in workloads if "--worker" in pod_spec(w)["containers"][0].get("args", [])]
    if len(masters) != 1:
        errors.append(f"expected one master workload, found {[name_of(m) for m in masters]}")
    if not workers:
        errors.append("no worker workload")
    for s in services.values():
        selected = pods_selected_by(s["spec"].get("selector", {}))
        if [name_of(w) for w in selected] != [name_of(m) for m in masters]:
            errors.append(
                f"{name_of(s)}: selects {[name_of(w) for w in selected]}, "
                f"expected only the master {[name_of(m) for m in masters]}"
            )
    for w in workers:
        args = pod_spec(w)["containers"][0].get("args", [])
        host, port = flag_value(args, "--master-host"), flag_value(args, "--master-port") or "5557"
        service = services.get(host)
        if service is None:
            errors.append(f"{name_of(w)}: --master-host {host!r} is not a Service here")
            continue
        ports = [p for p in service["spec"]["ports"] if str(p["port"]) == port]
        if not ports:
            errors.append(f"{name_of(w)}: Service {host} has no port {port}")
            continue
        target = ports[0].get("targetPort", ports[0]["port"])
        for m in masters:
            container_ports = pod_spec(m)["containers"][0].get("ports", [])
            # The master listens on --master-bind-port, 5557 unless its args say otherwise.
            bind = flag_value(pod_spec(m)["containers"][0].get("args", []), "--master-bind-port")
            bind = int(bind or 5557)
            resolved = [
                p["containerPort"]
                for p in container_ports
                if p.get("name") == target or p.get("containerPort") == target
            ]
            if resolved != [bind]:
                errors.append(
                    f"{name_of(w)}: {host}:{port} goes to port {target!r} of {name_of(m)}, "
                    f"which is {resolved or 'not declared'}, not its worker port {bind}"
                )
    return errors


def self_check(objs, versions):
    """Broken copies of the rendered objects must be rejected; returns what went wrong."""
    deployment = next(o for o in objs if o["kind"] == "Deployment")
    service = next(o for o in objs if o["kind"] == "Service")

    def broken(obj, change):
        obj = copy.deepcopy(obj)
        change(obj)
        return obj

    schema_cases = {
        "a misspelt field (imagePullPolcy)": broken(
            deployment, lambda d: pod_spec(d)["containers"][0].update(imagePullPolcy="Always")
        ),
        "replicas as a word": broken(deployment, lambda d: d["spec"].update(replicas="three")),
        "a kind that does not exist": broken(deployment, lambda d: d.update(kind="Deploymnet")),
    }
    semantic_cases = {
        "a Service selecting the workers too": (
            broken(service, lambda s: s["spec"]["selector"].pop("app.kubernetes.io/component")),
            service,
        ),
        "enableServiceLinks left on": (
            broken(deployment, lambda d: pod_spec(d).update(enableServiceLinks=True)),
            deployment,
        ),
    }
    failures = []
    for what, obj in schema_cases.items():
        if not schema_errors(obj, versions):
            failures.append(f"self-check: the schemas accepted {what}")
    for what, (bad, good) in semantic_cases.items():
        swapped = [bad if o is good else o for o in objs]
        if not semantic_errors(swapped):
            failures.append(f"self-check: the consistency checks accepted {what}")
    return failures, len(schema_cases) + len(semantic_cases)


DOCKERFILE_INSTRUCTIONS = {
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
}  # fmt: skip


def containerfile_errors(path, ignore_path, objs):
    """What in the Containerfile (or its ignore file) disagrees with the manifests `objs`."""
    try:
        commands = dockerfile.parse_file(path)
    except dockerfile.GoParseError as e:
        return [f"{path}: does not parse: {e}"]
    errors = [
        f"{path}:{c.start_line}: unknown instruction {c.cmd}"
        for c in commands
        if c.cmd not in DOCKERFILE_INSTRUCTIONS
    ]
    stages = [i for i, c in enumerate(commands) if c.cmd == "FROM"]
    if not stages:
        return errors + [f"{path}: no FROM"]
    names = [c.value[2].lower() for c in commands if c.cmd == "FROM" and len(c.value) == 3]
    for c in commands:
        for flag in c.flags:
            if c.cmd == "COPY" and flag.startswith("--from=") and flag[7:].lower() not in names:
                errors.append(f"{path}:{c.start_line}: COPY {flag}: no such stage {names}")
    if not any(
        c.cmd == "RUN" and "cargo build --release --locked --bin locusta" in c.value[0]
        for c in commands
    ):
        errors.append(f"{path}: no `cargo build --release --locked --bin locusta`")

    first_of_final = stages[-1]
    final = commands[first_of_final:]

    def last(cmd):
        found = [c for c in final if c.cmd == cmd]
        return found[-1] if found else None

    entrypoint = last("ENTRYPOINT")
    if not (entrypoint and entrypoint.json and entrypoint.value[:1] == ("locusta",)):
        errors.append(
            f'{path}: the image needs ENTRYPOINT ["locusta"]: the manifests pass args only'
        )
    user = last("USER")
    ids = {
        (str(sec.get("runAsUser")), str(sec.get("runAsGroup")))
        for w in objs
        if w["kind"] in WORKLOAD_KINDS
        for sec in [pod_spec(w).get("securityContext", {})]
    }
    if user is None or not re.fullmatch(r"\d+:\d+", user.value[0]):
        errors.append(f"{path}: the final stage needs a numeric USER uid:gid (for runAsNonRoot)")
    elif {tuple(user.value[0].split(":"))} != ids:
        errors.append(f"{path}: USER {user.value[0]}, but the manifests run as {sorted(ids)}")
    exposed = {p.split("/")[0] for c in final if c.cmd == "EXPOSE" for p in c.value}
    declared = {
        str(p["containerPort"])
        for w in objs
        if w["kind"] in WORKLOAD_KINDS
        for c in pod_spec(w)["containers"]
        for p in c.get("ports", [])
    }
    if declared - exposed:
        errors.append(
            f"{path}: EXPOSE lacks {sorted(declared - exposed)}, declared in the manifests"
        )
    try:
        with open(ignore_path) as f:
            ignored = {line.strip().strip("/") for line in f if not line.startswith("#")}
    except FileNotFoundError:
        ignored = set()
    for needed in ("target", ".git"):
        if needed not in ignored:
            errors.append(f"{ignore_path}: must leave {needed} out of the build context")
    return errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", "--kubernetes-version", action="append", required=True)
    parser.add_argument("--containerfile", help="also check this Containerfile")
    parser.add_argument("--ignorefile", default=".dockerignore", help="its build-context filter")
    parser.add_argument("renders", nargs="+", metavar="NAME=FILE")
    args = parser.parse_args()
    versions = args.kubernetes_version
    shown = ", ".join(v.rsplit(".", 1)[0] for v in versions)

    failed = False
    all_objs = []
    for render in args.renders:
        label, _, path = render.partition("=")
        with open(path) as f:
            objs = [o for o in yaml.safe_load_all(f) if o]
        all_objs += objs
        print(f"{label}: {len(objs)} objects, schemas of Kubernetes {shown} (strict)")
        schema_ok = True
        for obj in objs:
            errors = schema_errors(obj, versions)
            print(f"  {'ok  ' if not errors else 'FAIL'} {name_of(obj)}")
            for e in errors:
                print(f"       {e}")
            schema_ok &= not errors
        if not schema_ok:
            # The checks below read fields the schemas guarantee: not on rejected objects.
            print(
                "  skipped the consistency checks and the self-check: fix the schema errors first"
            )
            failed = True
            continue
        errors = semantic_errors(objs)
        print(
            f"  {'ok  ' if not errors else 'FAIL'} consistency: selectors, Service to master, "
            "workers' --master-host/--master-port, ports, probes, locustfile, security"
        )
        for e in errors:
            print(f"       {e}")
        failures, cases = self_check(objs, versions)
        print(
            f"  {'ok  ' if not failures else 'FAIL'} self-check: "
            f"{cases - len(failures)} of {cases} broken variants rejected"
        )
        for e in failures:
            print(f"       {e}")
        failed |= bool(errors) or bool(failures)

    if args.containerfile and not failed:
        errors = containerfile_errors(args.containerfile, args.ignorefile, all_objs)
        print(
            f"{args.containerfile}: {'ok  ' if not errors else 'FAIL'} parses; ENTRYPOINT, USER "
            f"and EXPOSE agree with the manifests; {args.ignorefile} leaves out target and .git"
        )
        for e in errors:
            print(f"       {e}")
        failed |= bool(errors)

    what = "Kubernetes manifests" + (" and Containerfile" if args.containerfile else "")
    print(f"{what}: " + ("FAILED" if failed else "all checks passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
