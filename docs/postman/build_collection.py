#!/usr/bin/env python3
"""Writes sva-fabric.postman_collection.json: the SVA story and the VFIO story, with assertions.

The collection is generated so that each request stays a few readable lines here; run
`python3 docs/postman/build_collection.py` after editing, and commit both files.
Variables: baseUrl (http://127.0.0.1:8080/api/v1), token (./fabric up prints it).
"""
import json
import os

ITEMS = []


def req(folder, name, method, path, body=None, tests=(), content_type="application/json", auth=True):
    headers = []
    if auth:
        headers.append({"key": "Authorization", "value": "Bearer {{token}}"})
    r = {"method": method, "header": headers, "url": "{{baseUrl}}" + path}
    if body is not None:
        headers.append({"key": "Content-Type", "value": content_type})
        r["body"] = {"mode": "raw", "raw": body if isinstance(body, str) else json.dumps(body)}
    ev = [{"listen": "test", "script": {"type": "text/javascript", "exec": list(tests)}}]
    for f in ITEMS:
        if f["name"] == folder:
            f["item"].append({"name": name, "event": ev, "request": r})
            return
    ITEMS.append({"name": folder, "item": [{"name": name, "event": ev, "request": r}]})


def status(code):
    return f'pm.test("status {code}", () => pm.response.to.have.status({code}));'


def errno(e):
    return (f'pm.test("problem+json with errno {e}", () => {{ '
            f'pm.expect(pm.response.headers.get("Content-Type")).to.include("application/problem+json"); '
            f'pm.expect(pm.response.json().errno).to.eql("{e}"); }});')


P = "1. Processes and memory"
req(P, "No token: 401", "GET", "/processes", auth=False, tests=[status(401)])
req(P, "Create a process", "POST", "/processes", {"name": "postman", "uid": 1000}, tests=[
    status(201),
    'const p = pm.response.json(); pm.collectionVariables.set("pid", p.pid);',
    'pm.test("running, with an ASID", () => { pm.expect(p.state).to.eql("RUNNING"); pm.expect(p.asid).to.be.a("number"); });'])
req(P, "mmap 8 MiB", "POST", "/processes/{{pid}}/mmap", {"length": 8388608, "prot": "rw"}, tests=[
    status(201),
    'const m = pm.response.json(); pm.collectionVariables.set("addr", m.addr);',
    'pm.test("hex address", () => pm.expect(m.addr).to.match(/^0x[0-9a-f]+$/));'])
req(P, "CPU writes a pattern", "PUT", "/processes/{{pid}}/memory?addr={{addr}}", "hello, shared virtual addressing",
    content_type="application/octet-stream", tests=[status(204)])
req(P, "CPU reads it back", "GET", "/processes/{{pid}}/memory?addr={{addr}}&length=32", tests=[
    status(200), 'pm.test("same bytes", () => pm.expect(pm.response.text()).to.eql("hello, shared virtual addressing"));'])
req(P, "Reclaim the range to swap", "POST", "/processes/{{pid}}/reclaim", '{"addr":"{{addr}}","length":8388608}', tests=[
    status(200), 'pm.test("one page was resident", () => pm.expect(pm.response.json().reclaimed).to.eql(1));'])
req(P, "The process shows one swapped page", "GET", "/processes/{{pid}}", tests=[
    status(200), 'pm.test("swapped 1", () => pm.expect(pm.response.json().swappedPages).to.eql(1));',
    'pm.test("one VMA of 8 MiB", () => pm.expect(pm.response.json().vmas.length).to.eql(1));'])
req(P, "The same bytes come back from swap", "GET", "/processes/{{pid}}/memory?addr={{addr}}&length=32", tests=[
    status(200), 'pm.test("same bytes", () => pm.expect(pm.response.text()).to.eql("hello, shared virtual addressing"));'])
req(P, "munmap", "POST", "/processes/{{pid}}/munmap", '{"addr":"{{addr}}","length":8388608}', tests=[status(204)])
req(P, "Reading unmapped memory: EFAULT", "GET", "/processes/{{pid}}/memory?addr={{addr}}&length=16", tests=[
    status(400), errno("EFAULT")])
req(P, "mmap with length 0: EINVAL", "POST", "/processes/{{pid}}/mmap", {"length": 0}, tests=[status(400), errno("EINVAL")])
req(P, "Unknown process: ESRCH", "GET", "/processes/999999999", tests=[status(404), errno("ESRCH")])

extra = os.path.join(os.path.dirname(__file__), "stories.py")
if os.path.exists(extra):
    exec(open(extra).read())

collection = {
    "info": {"name": "sva-fabric", "description": "The SVA story and the VFIO story, through the gateway, with assertions. "
             "Set baseUrl and token (./fabric up prints it).",
             "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
    "variable": [{"key": "baseUrl", "value": "http://127.0.0.1:8080/api/v1"}, {"key": "token", "value": ""},
                 {"key": "pid", "value": ""}, {"key": "addr", "value": ""}],
    "item": ITEMS,
}
out = os.path.join(os.path.dirname(__file__), "sva-fabric.postman_collection.json")
with open(out, "w") as f:
    json.dump(collection, f, indent=2)
    f.write("\n")
print("wrote", out)
