#!/usr/bin/python3
"""Docker SDK for Python scenarios, run by test/conformance/python-sdk.test.ts against berthd and Docker.

Environment: DOCKER_HOST (the engine), BERTH_IMAGE (the busybox image imported into it),
BERTH_PREFIX (a unique prefix for every name this run makes), BERTH_API_VERSION (the API version
the client is pinned to; unset: docker-py's default), BERTH_SERVER_API_VERSION (the engine's newest). Prints one JSON line per scenario:
{"scenario": ..., "ok": true|false, "error": "..."}; exits 0 unless the script itself breaks.
"""
import io
import json
import os
import sys
import tarfile
import time
import traceback

import docker
from docker.errors import APIError, ImageNotFound, NotFound

IMAGE = os.environ["BERTH_IMAGE"]
P = os.environ["BERTH_PREFIX"]
LABEL = {"org.berth.conformance": P}
client = docker.DockerClient(base_url=os.environ["DOCKER_HOST"], timeout=120, version=os.environ.get("BERTH_API_VERSION") or None)
api = client.api
# The version the client speaks, as (major, minor): what it may ask and what the engine answers depend on it.
SPOKEN = tuple(int(x) for x in api.api_version.split("."))
SCENARIOS = []


def scenario(name):
    def register(fn):
        SCENARIOS.append((name, fn))
        return fn
    return register


def eq(got, want, what=""):
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")


def run_out(image, cmd=None, **kw):
    """A container's output through detach, wait, logs and remove (containers.run's own output
    needs a json-file or journald log driver: scenario "containers.run: output, exit code error")."""
    c = client.containers.run(image, cmd, detach=True, labels=LABEL, **kw)
    try:
        eq(c.wait(timeout=60)["StatusCode"], 0, f"exit status of {cmd}")
        return c.logs()
    finally:
        c.remove(force=True)


def tar_of(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            t.addfile(info, io.BytesIO(data))
    buf.seek(0)
    return buf


@scenario("ping, version, info")
def _():
    eq(client.ping(), True, "ping")
    v = client.version()
    eq(v["ApiVersion"], os.environ["BERTH_SERVER_API_VERSION"], "ApiVersion (the engine's newest, whatever the client speaks)")
    eq(v["Os"], "linux", "Os")
    info = client.info()
    eq(info["OSType"], "linux", "OSType")
    eq(type(info["Containers"]), int, "Containers type")
    eq(info["Swarm"]["LocalNodeState"], "inactive", "Swarm")


@scenario("containers.run: output, exit code error")
def _():
    eq(client.containers.run(IMAGE, ["sh", "-c", "echo hi"], remove=True, labels=LABEL), b"hi\n", "output")
    try:
        client.containers.run(IMAGE, ["sh", "-c", "echo bad >&2; exit 3"], remove=True, labels=LABEL)
        raise AssertionError("no ContainerError")
    except docker.errors.ContainerError as e:
        eq(e.exit_status, 3, "exit_status")
        eq(e.stderr, b"bad\n", "stderr")


@scenario("containers: run detached, wait, logs, reload, remove")
def _():
    c = client.containers.run(IMAGE, ["sh", "-c", "echo out; echo err >&2; exit 3"], detach=True, name=f"{P}-w", labels=LABEL)
    eq(c.wait(timeout=60), {"StatusCode": 3, "Error": None}, "wait")
    eq(c.logs(stdout=True, stderr=False), b"out\n", "stdout logs")
    eq(c.logs(stdout=False, stderr=True), b"err\n", "stderr logs")
    eq(c.logs(timestamps=True).count(b"Z "), 2, "timestamps")
    c.reload()
    eq(c.status, "exited", "status")
    eq(c.attrs["State"]["ExitCode"], 3, "ExitCode")
    eq(c.name, f"{P}-w", "name")
    c.remove()
    try:
        client.containers.get(f"{P}-w")
        raise AssertionError("still there")
    except NotFound:
        pass


@scenario("containers: list, filters, top, stats, rename, restart, kill")
def _():
    c = client.containers.run(IMAGE, ["sleep", "300"], detach=True, name=f"{P}-l", labels=LABEL, environment={"A": "1"}, ports={"8080/tcp": None})
    try:
        eq([x.id for x in client.containers.list(filters={"label": f"org.berth.conformance={P}"})], [c.id], "list by label")
        eq([x.name for x in client.containers.list(filters={"name": f"{P}-l"})], [f"{P}-l"], "list by name")
        c.reload()
        eq("A=1" in c.attrs["Config"]["Env"], True, "env")
        port = c.ports["8080/tcp"][0]
        eq(port["HostIp"], "0.0.0.0", "HostIp")
        top = c.top()
        eq(top["Titles"][0], "UID", "top titles")
        eq(any("sleep" in " ".join(p) for p in top["Processes"]), True, "top sleep")
        stats = c.stats(stream=False)
        eq("memory_stats" in stats and "cpu_stats" in stats, True, "stats keys")
        c.rename(f"{P}-l2")
        c.reload()
        eq(c.name, f"{P}-l2", "renamed")
        c.restart(timeout=1)
        c.reload()
        eq(c.status, "running", "after restart")
        c.kill(signal="SIGKILL")
        eq(c.wait(timeout=60)["StatusCode"], 137, "killed")
    finally:
        c.remove(force=True)


@scenario("exec: output, exit code, demux, env, workdir, user")
def _():
    c = client.containers.run(IMAGE, ["sleep", "300"], detach=True, name=f"{P}-e", labels=LABEL)
    try:
        r = c.exec_run(["sh", "-c", "echo hi; echo err >&2; exit 5"])
        eq(r.exit_code, 5, "exit_code")
        eq(sorted(r.output.splitlines()), [b"err", b"hi"], "output")
        r = c.exec_run(["sh", "-c", "echo hi; echo err >&2"], demux=True)
        eq(r.output, (b"hi\n", b"err\n"), "demux")
        # docker-py itself refuses an exec workdir below API 1.35.
        workdir = "/etc" if SPOKEN >= (1, 35) else None
        r = c.exec_run(["sh", "-c", "echo $X $(pwd) $(id -u)"], environment={"X": "y"}, workdir=workdir, user="1000")
        eq(r.output, b"y %s 1000\n" % (b"/etc" if workdir else b"/"), "env/workdir/user")
        eid = api.exec_create(c.id, ["true"])["Id"]
        api.exec_start(eid)
        eq(api.exec_inspect(eid)["ExitCode"], 0, "exec_inspect")
        chunks = list(c.exec_run(["sh", "-c", "echo a; echo b"], stream=True).output)
        eq(b"".join(chunks), b"a\nb\n", "stream")
    finally:
        c.remove(force=True)


@scenario("images: list, get, tag, history, remove")
def _():
    img = client.images.get(IMAGE)
    eq(IMAGE in img.tags, True, "tags")
    eq(img.id in [i.id for i in client.images.list(name=IMAGE.split(":")[0])], True, "list by name")
    eq(img.tag(f"{P}/tagged", "v1"), True, "tag")
    eq(client.images.get(f"{P}/tagged:v1").id, img.id, "same id")
    hist = img.history()
    eq(type(hist[0]["Created"]), int, "history Created")
    client.images.remove(f"{P}/tagged:v1")
    try:
        client.images.get(f"{P}/tagged:v1")
        raise AssertionError("tag still there")
    except ImageNotFound:
        pass
    eq(img.attrs["Config"]["Cmd"], ["sh"], "Config.Cmd")


@scenario("build: a tar context with build args and labels")
def _():
    dockerfile = f"FROM {IMAGE}\nARG WHO=nobody\nCOPY greeting /greeting\nRUN echo \"$WHO\" >> /greeting\nCMD [\"cat\", \"/greeting\"]\n".encode()
    ctx = tar_of({"Dockerfile": dockerfile, "greeting": b"hello\n"})
    img, logs = client.images.build(fileobj=ctx, custom_context=True, tag=f"{P}/built:1", buildargs={"WHO": "python"}, labels={"made-by": "docker-py"}, rm=True)
    eq(any("Successfully built" in (l.get("stream") or "") for l in logs), True, "build log")
    eq(img.labels.get("made-by"), "docker-py", "labels")
    eq(run_out(img.id), b"hello\npython\n", "run built")
    try:
        client.images.build(fileobj=tar_of({"Dockerfile": f"FROM {IMAGE}\nRUN exit 9\n".encode()}), custom_context=True, forcerm=True)
        raise AssertionError("failing RUN built")
    except docker.errors.BuildError as e:
        eq("returned a non-zero code: 9" in str(e), True, f"BuildError message {e}")
    client.images.remove(f"{P}/built:1")


@scenario("networks: create, list, connect with alias, disconnect, remove")
def _():
    net = client.networks.create(f"{P}-net", driver="bridge", labels=LABEL)
    c = client.containers.run(IMAGE, ["sleep", "300"], detach=True, name=f"{P}-n", labels=LABEL)
    try:
        eq([n.id for n in client.networks.list(names=[f"{P}-net"])], [net.id], "list by name")
        eq(net.attrs["Labels"], LABEL, "labels")
        net.connect(c, aliases=["svc"])
        c.reload()
        eq("svc" in c.attrs["NetworkSettings"]["Networks"][f"{P}-net"]["Aliases"], True, "alias")
        r = run_out(IMAGE, ["sh", "-c", "ping -c1 -W2 svc >/dev/null && echo ok"], network=f"{P}-net")
        eq(r, b"ok\n", "reach by alias")
        net.reload()
        eq(c.id in net.attrs["Containers"], True, "Containers")
        net.disconnect(c)
        c.reload()
        eq(f"{P}-net" in c.attrs["NetworkSettings"]["Networks"], False, "disconnected")
    finally:
        c.remove(force=True)
        net.remove()
    try:
        client.networks.get(f"{P}-net")
        raise AssertionError("network still there")
    except NotFound:
        pass


@scenario("volumes: create, list, share data, remove")
def _():
    vol = client.volumes.create(f"{P}-vol", labels=LABEL)
    try:
        eq([v.name for v in client.volumes.list(filters={"label": f"org.berth.conformance={P}"})], [f"{P}-vol"], "list by label")
        eq(vol.attrs["Driver"], "local", "Driver")
        run_out(IMAGE, ["sh", "-c", "echo kept > /v/f"], volumes={f"{P}-vol": {"bind": "/v", "mode": "rw"}})
        out = run_out(IMAGE, ["cat", "/v/f"], volumes=[f"{P}-vol:/v:ro"])
        eq(out, b"kept\n", "data")
    finally:
        vol.remove()
    try:
        client.volumes.get(f"{P}-vol")
        raise AssertionError("volume still there")
    except NotFound:
        pass


@scenario("archive: put_archive and get_archive")
def _():
    c = client.containers.create(IMAGE, ["true"], name=f"{P}-a", labels=LABEL)
    try:
        eq(c.put_archive("/tmp", tar_of({"f.txt": b"payload"}).read()), True, "put_archive")
        bits, stat = c.get_archive("/tmp/f.txt")
        eq(stat["name"], "f.txt", "stat name")
        eq(stat["size"], 7, "stat size")
        with tarfile.open(fileobj=io.BytesIO(b"".join(bits))) as t:
            eq(t.extractfile("f.txt").read(), b"payload", "content")
    finally:
        c.remove(force=True)


@scenario("events: a container's lifecycle, filtered")
def _():
    since = int(time.time()) - 1
    c = client.containers.run(IMAGE, ["true"], detach=True, name=f"{P}-ev", labels=LABEL)
    c.wait(timeout=60)
    c.remove()
    until = int(time.time()) + 1
    actions = [e["Action"] for e in client.events(since=since, until=until, decode=True, filters={"container": c.id, "type": "container"})]
    for a in ["create", "start", "die", "destroy"]:
        eq(a in actions, True, f"{a} in {actions}")


@scenario("low-level API: create_container with host_config, an old API version")
def _():
    hc = api.create_host_config(port_bindings={8080: ("127.0.0.1", None)}, restart_policy={"Name": "on-failure", "MaximumRetryCount": 2}, mem_limit="64m")
    cid = api.create_container(IMAGE, ["sleep", "300"], name=f"{P}-low", host_config=hc, labels=LABEL, ports=[8080])["Id"]
    try:
        api.start(cid)
        info = api.inspect_container(cid)
        eq(info["HostConfig"]["RestartPolicy"], {"Name": "on-failure", "MaximumRetryCount": 2}, "RestartPolicy")
        eq(info["HostConfig"]["Memory"], 64 * 1024 * 1024, "Memory")
        eq(api.port(cid, 8080)[0]["HostIp"], "127.0.0.1", "port")
        old = docker.APIClient(base_url=os.environ["DOCKER_HOST"], version="1.25")
        eq(cid in [x["Id"] for x in old.containers(filters={"label": f"org.berth.conformance={P}"})], True, "API 1.25 list")
    finally:
        api.remove_container(cid, force=True)


@scenario("errors: not found, conflict, missing image")
def _():
    for get in (lambda: client.containers.get(f"{P}-none"), lambda: client.networks.get(f"{P}-none"), lambda: client.volumes.get(f"{P}-none")):
        try:
            get()
            raise AssertionError("found")
        except NotFound:
            pass
    try:
        client.containers.create(f"{P}-no-such-image:1", ["true"])
        raise AssertionError("created from a missing image")
    except ImageNotFound:
        pass
    c = client.containers.create(IMAGE, ["true"], name=f"{P}-dup", labels=LABEL)
    try:
        client.containers.create(IMAGE, ["true"], name=f"{P}-dup")
        raise AssertionError("duplicate name")
    except APIError as e:
        eq(e.status_code, 409, "status")
    finally:
        c.remove()


@scenario("prune: containers, networks and volumes by label")
def _():
    client.containers.create(IMAGE, ["true"], name=f"{P}-p", labels=LABEL)
    client.networks.create(f"{P}-pnet", labels=LABEL)
    client.volumes.create(f"{P}-pvol", labels=LABEL)
    r = client.containers.prune(filters={"label": f"org.berth.conformance={P}"})
    eq(len(r["ContainersDeleted"] or []), 1, "containers pruned")
    r = client.networks.prune(filters={"label": f"org.berth.conformance={P}"})
    eq(r["NetworksDeleted"], [f"{P}-pnet"], "networks pruned")
    # From API 1.42 prune takes only anonymous volumes unless `all` (an older engine does not know `all`).
    every = {"all": "true"} if SPOKEN >= (1, 42) else {}
    r = client.volumes.prune(filters={"label": f"org.berth.conformance={P}", **every})
    eq(r["VolumesDeleted"], [f"{P}-pvol"], "volumes pruned")


def main():
    only = sys.argv[1:]
    for name, fn in SCENARIOS:
        if only and name not in only:
            continue
        try:
            fn()
            print(json.dumps({"scenario": name, "ok": True}), flush=True)
        except Exception as e:  # report and go on: each scenario is a row of the table
            detail = "".join(traceback.format_exception_only(type(e), e)).strip()
            print(json.dumps({"scenario": name, "ok": False, "error": detail[:2000]}), flush=True)


if __name__ == "__main__":
    main()
